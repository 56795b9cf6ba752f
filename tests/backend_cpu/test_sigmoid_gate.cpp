#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_cpu_sigmoid_gate)

BOOST_AUTO_TEST_CASE(elementwise_and_per_row_gates) {
  CpuBackend be(3);
  Rng rng(71);
  const int64_t T = 7, W = 45;
  auto x = rng.uniform(T * W), g = rng.uniform(T * W, -5, 5), g1 = rng.uniform(T, -5, 5);
  Tensor xt = upload_f32(be, {T, W}, x), out = be.alloc(Elem::F32, {T, W});
  std::vector<double> want(T * W), want1(T * W);
  for (int64_t i = 0; i < T * W; ++i) {
    want[i] = x[i] / (1 + std::exp(-static_cast<double>(g[i])));
    want1[i] = x[i] / (1 + std::exp(-static_cast<double>(g1[i / W])));
  }
  be.sigmoid_gate(be.default_stream(), xt, upload_f32(be, {T, W}, g), out);
  ARCHSCOPE_CHECK_CLOSE(fetch(be, out), want, 1e-6);
  be.sigmoid_gate(be.default_stream(), xt, upload_f32(be, {T, 1}, g1), out);
  ARCHSCOPE_CHECK_CLOSE(fetch(be, out), want1, 1e-6);
}

BOOST_AUTO_TEST_SUITE_END()
