#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_cpu_activation)

BOOST_AUTO_TEST_CASE(each_activation_against_float64) {
  CpuBackend be(3);
  Rng rng(51);
  const int64_t n = 20011;
  auto x = rng.uniform(n, -8, 8);
  Tensor xt = upload_f32(be, {n}, x);
  Tensor out = be.alloc(Elem::F32, {n});
  const double k = std::sqrt(2.0 / 3.141592653589793);
  struct Case { Activation a; double (*f)(double, double); };
  const Case cases[] = {
      {Activation::GeluTanh, [](double v, double kk) { return 0.5 * v * (1 + std::tanh(kk * (v + 0.044715 * v * v * v))); }},
      {Activation::GeluExact, [](double v, double) { return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0))); }},
      {Activation::Relu, [](double v, double) { return v > 0 ? v : 0.0; }},
      {Activation::Silu, [](double v, double) { return v / (1 + std::exp(-v)); }},
      {Activation::Sigmoid, [](double v, double) { return 1 / (1 + std::exp(-v)); }},
  };
  for (const Case& c : cases) {
    be.activation(be.default_stream(), xt, out, c.a);
    std::vector<double> want(n);
    for (int64_t i = 0; i < n; ++i) want[i] = c.f(x[i], k);
    BOOST_TEST_CONTEXT("activation " << static_cast<int>(c.a)) { ARCHSCOPE_CHECK_CLOSE(fetch(be, out), want, 1e-5); }
  }
}

BOOST_AUTO_TEST_SUITE_END()
