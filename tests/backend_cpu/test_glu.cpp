#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {
double silu(double v) { return v / (1 + std::exp(-v)); }
double gelu_tanh(double v) { return 0.5 * v * (1 + std::tanh(std::sqrt(2.0 / 3.141592653589793) * (v + 0.044715 * v * v * v))); }
double gelu(double v) { return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0))); }
}  // namespace

BOOST_AUTO_TEST_SUITE(backend_cpu_glu)

BOOST_AUTO_TEST_CASE(all_kinds_both_layouts) {
  CpuBackend be(3);
  Rng rng(61);
  const int64_t T = 5, F = 97;
  auto x = rng.uniform(T * 2 * F, -10, 10);  // beyond gpt-oss's limit 7, so clamps engage
  Tensor xt = upload_f32(be, {T, 2 * F}, x);
  Tensor out = be.alloc(Elem::F32, {T, F});
  for (GluLayout layout : {GluLayout::Halves, GluLayout::Interleaved})
    for (GluKind kind : {GluKind::SwiGlu, GluKind::GeGluTanh, GluKind::GeGluExact, GluKind::SwiGluClamped}) {
      const GluParams p{kind, layout, 7.0f, 1.702f};
      be.glu(be.default_stream(), xt, out, p);
      std::vector<double> want(T * F);
      for (int64_t t = 0; t < T; ++t)
        for (int64_t f = 0; f < F; ++f) {
          const float* row = x.data() + t * 2 * F;
          double g = layout == GluLayout::Interleaved ? row[2 * f] : row[f];
          double u = layout == GluLayout::Interleaved ? row[2 * f + 1] : row[F + f];
          double y = 0;
          switch (kind) {
            case GluKind::SwiGlu: y = silu(g) * u; break;
            case GluKind::GeGluTanh: y = gelu_tanh(g) * u; break;
            case GluKind::GeGluExact: y = gelu(g) * u; break;
            case GluKind::SwiGluClamped:
              g = std::min(g, 7.0);
              u = std::clamp(u, -7.0, 7.0);
              y = (u + 1) * g / (1 + std::exp(-static_cast<double>(1.702f) * g));
              break;
          }
          want[t * F + f] = y;
        }
      BOOST_TEST_CONTEXT("kind " << static_cast<int>(kind) << " layout " << static_cast<int>(layout)) {
        ARCHSCOPE_CHECK_CLOSE(fetch(be, out), want, 1e-5);
      }
    }
}

BOOST_AUTO_TEST_CASE(clamped_swiglu_pinned_values) {
  // gate 10 clamps to 7, up -9 clamps to -7: (-7 + 1) * 7 * sigmoid(11.914) = -41.99972...
  CpuBackend be(1);
  Tensor xt = upload_f32(be, {1, 2}, {10.0f, -9.0f});
  Tensor out = be.alloc(Elem::F32, {1, 1});
  be.glu(be.default_stream(), xt, out, {GluKind::SwiGluClamped, GluLayout::Interleaved, 7.0f, 1.702f});
  const double want = -6.0 * 7.0 / (1 + std::exp(-7.0 * 1.702));
  BOOST_TEST(fetch(be, out)[0] == want, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_SUITE_END()
