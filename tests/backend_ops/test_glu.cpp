#include <cmath>

#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_ops_glu)

BOOST_AUTO_TEST_CASE(all_kinds_both_layouts) {
  for_each_backend([](Backend& be) {
    Rng rng(61);
    const int64_t T = 5, F = 97;
    auto x = rng.uniform(T * 2 * F, -10, 10);  // beyond gpt-oss's limit 7, so the clamps engage
    Tensor xt = upload_f32(be, {T, 2 * F}, x);
    Tensor out = be.alloc(Elem::F32, {T, F});
    for (GluLayout layout : {GluLayout::Halves, GluLayout::Interleaved})
      for (GluKind kind :
           {GluKind::SwiGlu, GluKind::GeGluTanh, GluKind::GeGluExact, GluKind::SwiGluClamped}) {
        const GluParams p{kind, layout, 7.0f, 1.702f};
        be.glu(be.default_stream(), xt, out, p);
        BOOST_TEST_CONTEXT("kind " << static_cast<int>(kind) << " layout "
                                   << static_cast<int>(layout)) {
          ARCHSCOPE_CHECK_WITHIN(fetch(be, out), ref_glu(x, T, p));
        }
      }
  });
}

// Prefill-shaped: 16+ rows and a width that is a multiple of 4 (the CUDA backend's 2-D kernel,
// 4 outputs per thread), the last column block of each row only partly filled (1028 = 4 * 257).
BOOST_AUTO_TEST_CASE(many_rows_both_layouts) {
  for_each_backend([](Backend& be) {
    Rng rng(67);
    const int64_t T = 37, F = 1028;
    auto x = rng.uniform(T * 2 * F, -10, 10);
    Tensor xt = upload_f32(be, {T, 2 * F}, x);
    Tensor out = be.alloc(Elem::F32, {T, F});
    for (GluLayout layout : {GluLayout::Halves, GluLayout::Interleaved})
      for (GluKind kind :
           {GluKind::SwiGlu, GluKind::GeGluTanh, GluKind::GeGluExact, GluKind::SwiGluClamped}) {
        const GluParams p{kind, layout, 7.0f, 1.702f};
        be.glu(be.default_stream(), xt, out, p);
        BOOST_TEST_CONTEXT("kind " << static_cast<int>(kind) << " layout "
                                   << static_cast<int>(layout)) {
          ARCHSCOPE_CHECK_WITHIN(fetch(be, out), ref_glu(x, T, p));
        }
      }
  });
}

BOOST_AUTO_TEST_CASE(clamped_swiglu_pinned_value) {
  // gate 10 clamps to 7, up -9 clamps to -7: (-7 + 1) * 7 * sigmoid(7 * 1.702) = -41.99972...
  for_each_backend([](Backend& be) {
    Tensor xt = upload_f32(be, {1, 2}, {10.0f, -9.0f});
    Tensor out = be.alloc(Elem::F32, {1, 1});
    const GluParams p{GluKind::SwiGluClamped, GluLayout::Interleaved, 7.0f, 1.702f};
    be.glu(be.default_stream(), xt, out, p);
    Expected want = ref_glu({10.0f, -9.0f}, 1, p);
    BOOST_TEST(std::abs(want.value[0] -
                        -6.0 * 7.0 / (1 + std::exp(-7.0 * static_cast<double>(1.702f)))) < 1e-12);
    ARCHSCOPE_CHECK_WITHIN(fetch(be, out), want);
  });
}

BOOST_AUTO_TEST_SUITE_END()
