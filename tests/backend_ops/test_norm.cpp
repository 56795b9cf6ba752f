#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

// Rows of `scale`-sized values around `offset` (a non-zero mean exercises LayerNorm; scale 1e-3
// makes eps matter: mean x^2 ~ 3e-7 against eps 1e-5).
void run(Backend& be, NormOp op, Elem we, int64_t rows, int64_t W, bool weight, bool bias,
         float scale = 3.0f, float offset = 2.0f) {
  Rng rng(31 + W);
  auto x = rng.uniform(rows * W, -scale, scale);
  for (float& v : x) v += offset * scale / 3.0f;
  Floats w = weight ? rng.uniform(W) : Floats{};
  Floats b = bias ? rng.uniform(W) : Floats{};
  Tensor wt = weight ? upload_as(be, we, {W}, w) : Tensor();
  Tensor bt = bias ? upload_as(be, we, {W}, b) : Tensor();
  Tensor xt = upload_f32(be, {rows, W}, x);
  const NormParams p{op, 1e-5f, W};
  be.norm(be.default_stream(), xt, wt, bt, xt, p);  // in place
  BOOST_TEST_CONTEXT("op " << static_cast<int>(op) << " " << to_string(we) << " rows=" << rows
                           << " W=" << W << " scale " << scale) {
    ARCHSCOPE_CHECK_WITHIN(fetch(be, xt), ref_norm(x, w, b, p));
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_ops_norm)

BOOST_AUTO_TEST_CASE(rms_variants_model_width_head_dim_projection) {
  for_each_backend([](Backend& be) {
    for (Elem e : {Elem::F32, Elem::BF16, Elem::F16}) {
      run(be, NormOp::Rms, e, 5, 1031, true, false);    // model width
      run(be, NormOp::Rms, e, 7 * 3, 67, true, false);  // per head: rows = tokens * heads
      run(be, NormOp::RmsPlusOne, e, 4, 257, true, false);
      run(be, NormOp::Rms, e, 3, 4099, true, false);  // wide rows: many SIMD passes
    }
    run(be, NormOp::Rms, Elem::F32, 6, 45, false, false);  // weightless RMS (Llama 4 qk "L2Norm")
  });
}

BOOST_AUTO_TEST_CASE(layer_norm_with_and_without_bias) {
  for_each_backend([](Backend& be) {
    run(be, NormOp::Layer, Elem::F32, 5, 771, true, true);
    run(be, NormOp::Layer, Elem::BF16, 3, 99, true, false);
    run(be, NormOp::Layer, Elem::F16, 2, 1033, true, true);
  });
}

BOOST_AUTO_TEST_CASE(weightless_l2) {
  for_each_backend([](Backend& be) { run(be, NormOp::L2, Elem::F32, 9, 131, false, false); });
}

// Rows small enough that eps is a large part of the denominator: a wrong eps shows here.
BOOST_AUTO_TEST_CASE(small_rows_where_eps_matters) {
  for_each_backend([](Backend& be) {
    run(be, NormOp::Rms, Elem::BF16, 4, 257, true, false, 1e-3f, 0.0f);
    run(be, NormOp::RmsPlusOne, Elem::F32, 3, 65, true, false, 1e-3f, 0.0f);
    run(be, NormOp::Layer, Elem::F32, 3, 129, true, true, 1e-3f, 1.0f);
    run(be, NormOp::L2, Elem::F32, 5, 33, false, false, 1e-4f, 0.0f);
  });
}

BOOST_AUTO_TEST_CASE(gated_rms_norm_times_weight_times_silu_gate) {
  for_each_backend([](Backend& be) {
    for (Elem e : {Elem::F32, Elem::BF16, Elem::F16})
      for (int64_t W : {int64_t{131}, int64_t{16}, int64_t{1029}}) {
        Rng rng(41 + W);
        const int64_t rows = 11;
        auto x = rng.uniform(rows * W, -2, 2), z = rng.uniform(rows * W, -4, 4),
             w = rng.uniform(W, 0.5f, 1.5f);
        Tensor xt = upload_f32(be, {rows, W}, x), zt = upload_f32(be, {rows, W}, z);
        Tensor wt = upload_as(be, e, {W}, w);
        Tensor out = be.alloc(Elem::F32, {rows, W});
        be.gated_rms_norm(be.default_stream(), xt, zt, wt, 1e-6f, W, out);
        BOOST_TEST_CONTEXT(to_string(e) << " W=" << W) {
          ARCHSCOPE_CHECK_WITHIN(fetch(be, out), ref_gated_rms_norm(x, z, w, 1e-6f, W));
        }
      }
  });
}

BOOST_AUTO_TEST_SUITE_END()
