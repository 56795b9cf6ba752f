// add, activation, glu, sigmoid_gate, softcap against float64 references. Bounds: a few fp32
// roundings of the result plus the error of the library functions (CUDA's expf/tanhf/erff are
// within 2 ulp), as c * u * (|result| + |intermediate terms|).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "cuda_helpers.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

double sig(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}
double act(Activation a, double x) {
  switch (a) {
    case Activation::GeluTanh:
      return 0.5 * x * (1.0 + std::tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
    case Activation::GeluExact:
      return 0.5 * x * (1.0 + std::erf(x * 0.7071067811865476));
    case Activation::Relu:
      return x > 0 ? x : 0;
    case Activation::Silu:
      return x * sig(x);
    case Activation::Sigmoid:
      return sig(x);
  }
  return 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cuda_elementwise)

BOOST_AUTO_TEST_CASE(add_with_scale_and_in_place) {
  Stream& s = gpu().default_stream();
  for (int64_t n : {1, 3, 4, 1023, 100001}) {
    Rng r(static_cast<uint64_t>(n));
    std::vector<float> a = r.uniform(static_cast<size_t>(n)), b = r.uniform(static_cast<size_t>(n));
    Tensor ta = put_f32(gpu(), {n}, a), tb = put_f32(gpu(), {n}, b), out = poisoned(gpu(), {n});
    gpu().add(s, ta, tb, -0.37f, out);
    gpu().add(s, ta, tb, 2.0f, ta);  // out aliases a
    std::vector<double> want(a.size()), want2(a.size()), bound(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
      want[i] = a[i] + static_cast<double>(-0.37f) * b[i];
      want2[i] = a[i] + 2.0 * b[i];
      bound[i] = 2 * kU32 * (std::fabs(a[i]) + std::fabs(b[i]));
    }
    ARCHSCOPE_CHECK_BOUND(get(gpu(), out), want, bound, "add n=" << n);
    ARCHSCOPE_CHECK_BOUND(get(gpu(), ta), want2, bound, "add in place n=" << n);
  }
}

BOOST_AUTO_TEST_CASE(activations) {
  Stream& s = gpu().default_stream();
  const int64_t n = 20011;
  Rng r(5);
  std::vector<float> x = r.uniform(static_cast<size_t>(n), -8.0f, 8.0f);
  for (Activation a : {Activation::GeluTanh, Activation::GeluExact, Activation::Relu,
                       Activation::Silu, Activation::Sigmoid}) {
    Tensor tx = put_f32(gpu(), {n}, x), out = poisoned(gpu(), {n});
    gpu().activation(s, tx, out, a);
    gpu().activation(s, tx, tx, a);  // in place
    std::vector<double> want(x.size()), bound(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      want[i] = act(a, x[i]);
      bound[i] = 16 * kU32 * (std::fabs(want[i]) + std::fabs(x[i]));
    }
    ARCHSCOPE_CHECK_BOUND(get(gpu(), out), want, bound, "activation " << static_cast<int>(a));
    ARCHSCOPE_CHECK_BOUND(get(gpu(), tx), want, bound,
                          "activation in place " << static_cast<int>(a));
  }
}

BOOST_AUTO_TEST_CASE(glu_kinds_and_layouts) {
  Stream& s = gpu().default_stream();
  const int64_t T = 13, F = 257;
  Rng r(6);
  std::vector<float> x = r.uniform(static_cast<size_t>(T * 2 * F), -9.0f, 9.0f);
  for (GluKind k :
       {GluKind::SwiGlu, GluKind::GeGluTanh, GluKind::GeGluExact, GluKind::SwiGluClamped})
    for (GluLayout l : {GluLayout::Halves, GluLayout::Interleaved}) {
      GluParams p;
      p.kind = k;
      p.layout = l;
      Tensor tx = put_f32(gpu(), {T, 2 * F}, x), out = poisoned(gpu(), {T, F});
      gpu().glu(s, tx, out, p);
      std::vector<double> want(static_cast<size_t>(T * F)), bound(want.size());
      for (int64_t t = 0; t < T; ++t)
        for (int64_t f = 0; f < F; ++f) {
          const float* row = x.data() + t * 2 * F;
          double g = l == GluLayout::Interleaved ? row[2 * f] : row[f];
          double u = l == GluLayout::Interleaved ? row[2 * f + 1] : row[F + f];
          double y;
          if (k == GluKind::SwiGlu)
            y = act(Activation::Silu, g) * u;
          else if (k == GluKind::GeGluTanh)
            y = act(Activation::GeluTanh, g) * u;
          else if (k == GluKind::GeGluExact)
            y = act(Activation::GeluExact, g) * u;
          else {
            g = std::min(g, static_cast<double>(p.limit));
            u = std::clamp(u, -static_cast<double>(p.limit), static_cast<double>(p.limit));
            y = (u + 1.0) * (g * sig(g * static_cast<double>(p.alpha)));
          }
          want[static_cast<size_t>(t * F + f)] = y;
          bound[static_cast<size_t>(t * F + f)] =
              16 * kU32 * (std::fabs(y) + std::fabs(g * u) + std::fabs(g));
        }
      ARCHSCOPE_CHECK_BOUND(
          get(gpu(), out), want, bound,
          "glu kind " << static_cast<int>(k) << " layout " << static_cast<int>(l));
    }
}

BOOST_AUTO_TEST_CASE(sigmoid_gate_per_element_and_per_row) {
  Stream& s = gpu().default_stream();
  const int64_t T = 9, W = 301;
  Rng r(7);
  std::vector<float> x = r.uniform(static_cast<size_t>(T * W), -3, 3),
                     g = r.uniform(static_cast<size_t>(T * W), -6, 6);
  std::vector<float> gr(g.begin(), g.begin() + T);
  for (bool per_row : {false, true}) {
    Tensor tx = put_f32(gpu(), {T, W}, x);
    Tensor tg = per_row ? put_f32(gpu(), {T, 1}, gr) : put_f32(gpu(), {T, W}, g);
    gpu().sigmoid_gate(s, tx, tg, tx);
    std::vector<double> want(x.size()), bound(x.size());
    for (int64_t i = 0; i < T * W; ++i) {
      const double gv = per_row ? gr[static_cast<size_t>(i / W)] : g[static_cast<size_t>(i)];
      want[static_cast<size_t>(i)] = x[static_cast<size_t>(i)] * sig(gv);
      bound[static_cast<size_t>(i)] = 8 * kU32 * std::fabs(want[static_cast<size_t>(i)]) + 1e-30;
    }
    ARCHSCOPE_CHECK_BOUND(get(gpu(), tx), want, bound, "sigmoid_gate per_row=" << per_row);
  }
}

BOOST_AUTO_TEST_CASE(softcap_and_plain_scale) {
  Stream& s = gpu().default_stream();
  const int64_t n = 4099;
  Rng r(8);
  std::vector<float> x = r.uniform(static_cast<size_t>(n), -100, 100);
  for (float cap : {0.0f, 30.0f}) {
    Tensor tx = put_f32(gpu(), {n}, x), out = poisoned(gpu(), {n});
    gpu().softcap(s, tx, 0.75f, cap, out);
    std::vector<double> want(x.size()), bound(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      const double v = 0.75 * x[i];
      want[i] = cap > 0 ? cap * std::tanh(v / cap) : v;
      bound[i] = 8 * kU32 * (std::fabs(want[i]) + std::fabs(v));
    }
    ARCHSCOPE_CHECK_BOUND(get(gpu(), out), want, bound, "softcap cap=" << cap);
  }
}

BOOST_AUTO_TEST_SUITE_END()
