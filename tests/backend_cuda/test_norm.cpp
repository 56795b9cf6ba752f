// norm (RMS, RMS+1, Layer with/without bias, L2) and gated_rms_norm against float64 references,
// widths from 1 to 5000, weights in every float dtype, in place and out of place. Bound: the sum
// of squares accumulates lambda sqrt(W) u relative error, the rsqrt and products a few u more:
// |y - ref| <= (lambda sqrt(W) u + 8 u) * (|ref| + |x * w| * inv).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "cuda_helpers.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(cuda_norm)

BOOST_AUTO_TEST_CASE(row_norms_all_kinds) {
  Stream& s = gpu().default_stream();
  for (int64_t W : {1, 7, 64, 333, 2048, 5000})
    for (NormOp op : {NormOp::Rms, NormOp::RmsPlusOne, NormOp::Layer, NormOp::L2})
      for (Elem we : {Elem::F32, Elem::BF16, Elem::F16}) {
        const int64_t rows = 5;
        Rng r(static_cast<uint64_t>(W) * 31 + static_cast<uint64_t>(op));
        std::vector<float> x = r.uniform(static_cast<size_t>(rows * W), -2, 2);
        for (size_t i = 0; i < x.size(); ++i)
          x[i] += op == NormOp::Layer ? 30.0f : 0.0f;  // a large mean
        std::vector<float> w = r.uniform(static_cast<size_t>(W), 0.5, 1.5),
                           b = r.uniform(static_cast<size_t>(W));
        NormParams p;
        p.op = op;
        p.eps = 1e-5f;
        p.width = W;
        Tensor tx = put_f32(gpu(), {rows, W}, x), out = poisoned(gpu(), {rows, W});
        Tensor tw = op == NormOp::L2 ? Tensor() : put(gpu(), we, {W}, w);
        Tensor tb = op == NormOp::Layer ? put(gpu(), we, {W}, b) : Tensor();
        gpu().norm(s, tx, tw, tb, out, p);
        gpu().norm(s, tx, tw, tb, tx, p);  // in place
        std::vector<double> want(x.size()), bound(x.size());
        for (int64_t row = 0; row < rows; ++row) {
          const float* xr = x.data() + row * W;
          double mean = 0, ss = 0;
          if (op == NormOp::Layer) {
            for (int64_t i = 0; i < W; ++i) mean += xr[i];
            mean /= static_cast<double>(W);
          }
          for (int64_t i = 0; i < W; ++i) ss += (xr[i] - mean) * (xr[i] - mean);
          const double denom = op == NormOp::L2 ? ss : ss / static_cast<double>(W);
          const double inv = 1.0 / std::sqrt(denom + static_cast<double>(p.eps));
          for (int64_t i = 0; i < W; ++i) {
            const double wv = op == NormOp::L2           ? 1.0
                              : op == NormOp::RmsPlusOne ? 1.0 + w[static_cast<size_t>(i)]
                                                         : w[static_cast<size_t>(i)];
            const double y =
                (xr[i] - mean) * inv * wv + (op == NormOp::Layer ? b[static_cast<size_t>(i)] : 0.0);
            want[static_cast<size_t>(row * W + i)] = y;
            // LayerNorm: x - mean in fp32 loses u * |x| (the float mean is exact to u * |mean|).
            const double lost =
                op == NormOp::Layer
                    ? 2 * kU32 * (std::fabs(xr[i]) + std::fabs(mean)) * inv * std::fabs(wv)
                    : 0.0;
            bound[static_cast<size_t>(row * W + i)] =
                (accum(static_cast<double>(W)) + 8 * kU32) *
                    (std::fabs(y) + std::fabs((xr[i] - mean) * inv * wv)) +
                lost + 1e-30;
          }
        }
        ARCHSCOPE_CHECK_BOUND(get(gpu(), out), want, bound,
                              "norm op " << static_cast<int>(op) << " W=" << W << " " << name(we));
        ARCHSCOPE_CHECK_BOUND(get(gpu(), tx), want, bound,
                              "norm in place op " << static_cast<int>(op) << " W=" << W);
      }
}

BOOST_AUTO_TEST_CASE(gated_rms_norm_per_head) {
  Stream& s = gpu().default_stream();
  const int64_t rows = 12, W = 96;
  for (Elem we : {Elem::F32, Elem::BF16}) {
    Rng r(11);
    std::vector<float> x = r.uniform(static_cast<size_t>(rows * W)),
                       z = r.uniform(static_cast<size_t>(rows * W), -4, 4);
    std::vector<float> w = r.uniform(static_cast<size_t>(W), 0.5, 1.5);
    Tensor tx = put_f32(gpu(), {rows, W}, x), tz = put_f32(gpu(), {rows, W}, z),
           tw = put(gpu(), we, {W}, w);
    gpu().gated_rms_norm(s, tx, tz, tw, 1e-6f, W, tx);
    std::vector<double> want(x.size()), bound(x.size());
    for (int64_t row = 0; row < rows; ++row) {
      double ss = 0;
      for (int64_t i = 0; i < W; ++i)
        ss += static_cast<double>(x[static_cast<size_t>(row * W + i)]) *
              x[static_cast<size_t>(row * W + i)];
      const double inv = 1.0 / std::sqrt(ss / static_cast<double>(W) + 1e-6);
      for (int64_t i = 0; i < W; ++i) {
        const size_t k = static_cast<size_t>(row * W + i);
        const double y = w[static_cast<size_t>(i)] * (x[k] * inv) *
                         (z[k] / (1.0 + std::exp(-static_cast<double>(z[k]))));
        want[k] = y;
        bound[k] = (accum(static_cast<double>(W)) + 12 * kU32) * std::fabs(y) + 1e-30;
      }
    }
    ARCHSCOPE_CHECK_BOUND(get(gpu(), tx), want, bound, "gated_rms_norm " << name(we));
  }
}

BOOST_AUTO_TEST_SUITE_END()
