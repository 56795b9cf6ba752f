#include "quant/pack_channel.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "quant/minifloat.hpp"

namespace archscope::quant {

namespace {

float absmax(const float* x, int64_t n) {
  float m = 0.0f;
  for (int64_t i = 0; i < n; ++i) m = std::max(m, std::fabs(x[i]));
  return m;
}

void check_sizes(Format f, int64_t N, int64_t K, size_t values, size_t codes, size_t scales,
                 const std::string& what) {
  if (!has_row_scales(f))
    throw Error(ErrorKind::Unsupported, to_string(f), "not a per-row scaled format");
  if (N < 0 || K < 0 || static_cast<int64_t>(values) != N * K ||
      static_cast<int64_t>(codes) != N * K || static_cast<int64_t>(scales) != N)
    throw Error(ErrorKind::Validation, what,
                std::to_string(values) + " values, " + std::to_string(codes) + " codes and " +
                    std::to_string(scales) + " scales for a [" + std::to_string(N) + ", " +
                    std::to_string(K) + "] " + to_string(f) + " matrix");
}

}  // namespace

bool has_row_scales(Format f) {
  return f == Format::Int8Channel || f == Format::Fp8E4M3Channel;
}

void pack_channel_rows(Format f, std::span<const float> w, int64_t N, int64_t K,
                       std::span<uint8_t> codes, std::span<float> scales, const std::string& what) {
  check_sizes(f, N, K, w.size(), codes.size(), scales.size(), what);
  for (size_t i = 0; i < w.size(); ++i)
    if (!std::isfinite(w[i]))
      throw Error(
          ErrorKind::Validation, what,
          "weight " + std::to_string(i) + " is not finite; " + to_string(f) + " cannot hold it");
  for (int64_t r = 0; r < N; ++r) {
    const float* x = w.data() + r * K;
    uint8_t* q = codes.data() + r * K;
    const float a = absmax(x, K);
    if (f == Format::Int8Channel) {
      // formats.cpp int8_row: s = absmax / 127, q = clamp(round-half-even(w / s), -127, 127).
      const float s = a / 127.0f;
      scales[static_cast<size_t>(r)] = s;
      for (int64_t k = 0; k < K; ++k) {
        const float v = s == 0.0f ? 0.0f : std::clamp(std::nearbyint(x[k] / s), -127.0f, 127.0f);
        q[k] = static_cast<uint8_t>(static_cast<int8_t>(v));
      }
    } else {
      // formats.cpp: s = absmax / 448, ŵ = e4m3(w / s) * s (0 for an all-zero row).
      const float s = a / kE4M3Max;
      scales[static_cast<size_t>(r)] = s;
      for (int64_t k = 0; k < K; ++k) q[k] = s == 0.0f ? 0 : e4m3_encode(x[k] / s);
    }
  }
}

void unpack_channel_rows(Format f, std::span<const uint8_t> codes, std::span<const float> scales,
                         int64_t N, int64_t K, std::span<float> out) {
  check_sizes(f, N, K, out.size(), codes.size(), scales.size(), to_string(f));
  for (int64_t r = 0; r < N; ++r) {
    const float s = scales[static_cast<size_t>(r)];
    for (int64_t k = 0; k < K; ++k) {
      const uint8_t c = codes[static_cast<size_t>(r * K + k)];
      const float v =
          f == Format::Int8Channel ? static_cast<float>(static_cast<int8_t>(c)) : e4m3_decode(c);
      out[static_cast<size_t>(r * K + k)] = v * s;
    }
  }
}

}  // namespace archscope::quant
