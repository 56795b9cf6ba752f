// References of the row norms. RMS-type norms: inv = 1 / sqrt(sum x^2 / W + eps) (sum x^2 + eps
// for the true L2 norm), y = x * inv (* w or * (1 + w)). LayerNorm with statistics as an fp32
// backend may compute them (two passes): mean = sum x / W, c = x - mean, var = sum c^2 / W; to
// first order the mean's own error does not move var (d var / d mean = -2 sum c / W = 0), so only
// c's subtraction rounding enters var, while y = c * inv * w + b carries all of c's error.
#include <cmath>

#include "reference.hpp"

namespace archscope::test {

Expected ref_norm(const Floats& x, const Floats& w, const Floats& b, const NormParams& p) {
  Expected y;
  const int64_t W = p.width, rows = static_cast<int64_t>(x.size()) / W;
  const Tracked width = stored(static_cast<double>(W)), eps = stored(p.eps), one = stored(1.0);
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<Tracked> xr(static_cast<size_t>(W));
    for (int64_t i = 0; i < W; ++i) xr[i] = stored(x[r * W + i]);
    std::vector<Tracked> c = xr;  // x - mean (LayerNorm), x otherwise
    Tracked inv;
    if (p.op == NormOp::Layer) {
      const Tracked mean = sum(xr) / width;
      std::vector<Tracked> c_rounded(c.size());
      for (size_t i = 0; i < c.size(); ++i) {
        c[i] = xr[i] - mean;
        c_rounded[i] = {c[i].v, kU * std::abs(c[i].v)};
      }
      inv = one / sqrt(dot(c_rounded, c_rounded) / width + eps);
    } else {
      const Tracked ss = dot(xr, xr);
      inv = one / sqrt((p.op == NormOp::L2 ? ss : ss / width) + eps);
    }
    for (int64_t i = 0; i < W; ++i) {
      Tracked v = c[i] * inv;
      if (!w.empty()) v = v * (p.op == NormOp::RmsPlusOne ? one + stored(w[i]) : stored(w[i]));
      if (!b.empty()) v = v + stored(b[i]);
      y.push(v);
    }
  }
  return y;
}

Expected ref_gated_rms_norm(const Floats& x, const Floats& z, const Floats& w, float eps,
                            int64_t width) {
  Expected y;
  const int64_t rows = static_cast<int64_t>(x.size()) / width;
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<Tracked> xr(static_cast<size_t>(width));
    for (int64_t i = 0; i < width; ++i) xr[i] = stored(x[r * width + i]);
    const Tracked inv =
        stored(1.0) / sqrt(dot(xr, xr) / stored(static_cast<double>(width)) + stored(eps));
    for (int64_t i = 0; i < width; ++i) {
      const Tracked zz = stored(z[r * width + i]);
      y.push(stored(w[i]) * (xr[i] * inv) * (zz / (stored(1.0) + exp(-zz))));
    }
  }
  return y;
}

}  // namespace archscope::test
