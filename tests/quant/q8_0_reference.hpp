// llama.cpp's Q8_0 written out for tests (quantize_row_q8_0_ref, then dequantize): per row of K,
// blocks of 32 with a partial last block of its own, d = absmax/127 in fp32, q = roundf(w/d),
// d stored as fp16, w' = q * fp16(d). The independent reference the weight-loading and CLI tests
// compare the engine's q8_0 against.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace archscope::test {

inline std::vector<float> ref_q8_0(const std::vector<float>& w, int64_t N, int64_t K) {
  std::vector<float> y(w.size());
  for (int64_t r = 0; r < N; ++r)
    for (int64_t b = 0; b < K; b += 32) {
      const int64_t n = std::min<int64_t>(32, K - b);
      const float* x = w.data() + r * K + b;
      float amax = 0;
      for (int64_t i = 0; i < n; ++i) amax = std::max(amax, std::fabs(x[i]));
      const float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
      const float dh = static_cast<float>(static_cast<_Float16>(d));
      for (int64_t i = 0; i < n; ++i)
        y[static_cast<size_t>(r * K + b + i)] = std::roundf(x[i] * id) * dh;
    }
  return y;
}

}  // namespace archscope::test
