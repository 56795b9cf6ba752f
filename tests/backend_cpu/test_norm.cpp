#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

std::vector<double> reference(const std::vector<float>& x, const std::vector<float>& w,
                              const std::vector<float>& b, const NormParams& p) {
  std::vector<double> y(x.size());
  const int64_t W = p.width, rows = static_cast<int64_t>(x.size()) / W;
  for (int64_t r = 0; r < rows; ++r) {
    double sum = 0, sq = 0;
    for (int64_t i = 0; i < W; ++i) { sum += x[r * W + i]; sq += static_cast<double>(x[r * W + i]) * x[r * W + i]; }
    double mean = 0, inv;
    if (p.op == NormOp::Layer) {
      mean = sum / W;
      double var = 0;
      for (int64_t i = 0; i < W; ++i) var += (x[r * W + i] - mean) * (x[r * W + i] - mean);
      inv = 1 / std::sqrt(var / W + p.eps);
    } else if (p.op == NormOp::L2) {
      inv = 1 / std::sqrt(sq + p.eps);
    } else {
      inv = 1 / std::sqrt(sq / W + p.eps);
    }
    for (int64_t i = 0; i < W; ++i) {
      double v = (x[r * W + i] - mean) * inv;
      if (!w.empty()) v *= p.op == NormOp::RmsPlusOne ? 1.0 + w[i] : w[i];
      if (!b.empty()) v += b[i];
      y[r * W + i] = v;
    }
  }
  return y;
}

void run(NormOp op, Elem we, int64_t rows, int64_t W, bool weight, bool bias) {
  CpuBackend be(3);
  Rng rng(31 + W);
  auto x = rng.uniform(rows * W, -3.0f, 3.0f);
  for (int64_t i = 0; i < rows * W; ++i) x[i] += 2.0f;  // a non-zero mean exercises LayerNorm
  std::vector<float> w = weight ? rng.uniform(W) : std::vector<float>{};
  std::vector<float> b = bias ? rng.uniform(W) : std::vector<float>{};
  Tensor wt = weight ? upload_as(be, we, {W}, w) : Tensor();
  Tensor bt = bias ? upload_as(be, we, {W}, b) : Tensor();
  Tensor xt = upload_f32(be, {rows, W}, x);
  const NormParams p{op, 1e-5f, W};
  be.norm(be.default_stream(), xt, wt, bt, xt, p);  // in place
  ARCHSCOPE_CHECK_CLOSE(fetch(be, xt), reference(x, w, b, p), 1e-5);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_cpu_norm)

BOOST_AUTO_TEST_CASE(rms_variants_model_width_head_dim_projection) {
  for (Elem e : {Elem::F32, Elem::BF16, Elem::F16}) {
    run(NormOp::Rms, e, 5, 1031, true, false);          // model width
    run(NormOp::Rms, e, 7 * 3, 67, true, false);        // per head: rows = tokens * heads
    run(NormOp::RmsPlusOne, e, 4, 257, true, false);
  }
  run(NormOp::Rms, Elem::F32, 6, 45, false, false);  // weightless RMS (Llama 4 qk "L2Norm")
}

BOOST_AUTO_TEST_CASE(layer_norm_with_and_without_bias) {
  run(NormOp::Layer, Elem::F32, 5, 771, true, true);
  run(NormOp::Layer, Elem::BF16, 3, 99, true, false);
}

BOOST_AUTO_TEST_CASE(weightless_l2) { run(NormOp::L2, Elem::F32, 9, 131, false, false); }

BOOST_AUTO_TEST_CASE(rejects_bad_arguments) {
  CpuBackend be(1);
  Tensor x = be.alloc(Elem::F32, {2, 10}), w = be.alloc(Elem::F32, {10});
  BOOST_CHECK_THROW(be.norm(be.default_stream(), x, w, Tensor(), x, {NormOp::Rms, 1e-6f, 3}), Error);
  BOOST_CHECK_THROW(be.norm(be.default_stream(), x, w, Tensor(), x, {NormOp::L2, 1e-6f, 10}), Error);
  BOOST_CHECK_THROW(be.norm(be.default_stream(), x, Tensor(), Tensor(), x, {NormOp::Layer, 1e-6f, 10}), Error);
}

BOOST_AUTO_TEST_SUITE_END()
