#include "quant/eval_result.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace archscope::quant {

double TensorError::sqnr_db() const {
  if (signal == 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (noise == 0.0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal / noise);
}

std::vector<double> layer_sqnr_db(const SchemeResult& s, int64_t layers) {
  std::vector<double> signal(static_cast<size_t>(std::max<int64_t>(layers, 0)), 0.0),
      noise = signal;
  std::vector<bool> any(signal.size(), false);
  for (const TensorError& t : s.tensors) {
    if (t.layer < 0 || t.layer >= layers) continue;
    signal[static_cast<size_t>(t.layer)] += t.signal;
    noise[static_cast<size_t>(t.layer)] += t.noise;
    any[static_cast<size_t>(t.layer)] = true;
  }
  std::vector<double> out(signal.size(), std::numeric_limits<double>::quiet_NaN());
  for (size_t l = 0; l < out.size(); ++l)
    if (any[l]) out[l] = TensorError{"", 0, 0, signal[l], noise[l]}.sqnr_db();
  return out;
}

int64_t EvalResult::layers() const {
  int64_t n = 0;
  for (const SchemeResult& s : schemes) {
    n = std::max<int64_t>(n, static_cast<int64_t>(s.layer_rel_l2.size()));
    for (const TensorError& t : s.tensors) n = std::max(n, t.layer + 1);
  }
  return n;
}

bool is_kv_scheme(const SchemeResult& s) {
  return s.scheme.rfind(kKvSchemePrefix, 0) == 0;
}

}  // namespace archscope::quant
