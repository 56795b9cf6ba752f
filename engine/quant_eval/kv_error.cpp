#include "quant_eval/kv_error.hpp"

#include <string>

namespace archscope::quant_eval {

void KvErrorSums::add(int64_t layer, int part, const float* rows, const int32_t* positions,
                      int64_t T, int64_t heads, int64_t dim, int64_t groups, int64_t split) {
  if (layer < 0) return;
  if (sums_.size() <= static_cast<size_t>(layer)) sums_.resize(static_cast<size_t>(layer) + 1);
  quant::TensorError& e = sums_[static_cast<size_t>(layer)];
  std::vector<uint8_t> q(static_cast<size_t>(dim));
  std::vector<float> y(static_cast<size_t>(dim));
  for (int64_t t = 0; t < T; ++t) {
    if (!seen_.insert({layer, part, positions[t]}).second) continue;
    for (int64_t h = 0; h < heads; ++h) {
      const float* x = rows + (t * heads + h) * dim;
      const auto part = [&](int64_t from, int64_t n) {
        const float s = quant::quantize_kv_row(code_, x + from, n, q.data());
        quant::dequantize_kv_row(code_, q.data(), n, s, y.data());
        for (int64_t i = 0; i < n; ++i) {
          const double v = x[from + i], d = v - static_cast<double>(y[static_cast<size_t>(i)]);
          e.signal += v * v;
          e.noise += d * d;
        }
      };
      if (groups == 2) {
        part(0, split);
        part(split, dim - split);
      } else {
        part(0, dim);
      }
      e.elements += dim;
    }
  }
}

std::vector<quant::TensorError> KvErrorSums::layers() const {
  std::vector<quant::TensorError> out;
  for (size_t l = 0; l < sums_.size(); ++l) {
    if (sums_[l].elements == 0) continue;
    quant::TensorError e = sums_[l];
    e.name = "layers." + std::to_string(l) + ".kv_cache";
    e.layer = static_cast<int64_t>(l);
    out.push_back(e);
  }
  return out;
}

}  // namespace archscope::quant_eval
