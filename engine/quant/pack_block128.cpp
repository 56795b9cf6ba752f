#include "quant/pack_block128.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "quant/minifloat.hpp"

namespace archscope::quant {

namespace {

void check_sizes(int64_t N, int64_t K, size_t values, size_t codes, size_t scales,
                 const std::string& what) {
  if (N < 0 || K < 0 || static_cast<int64_t>(values) != N * K ||
      static_cast<int64_t>(codes) != N * K ||
      static_cast<int64_t>(scales) != N * block128_scales_per_row(K))
    throw Error(ErrorKind::Validation, what,
                std::to_string(values) + " values, " + std::to_string(codes) + " codes and " +
                    std::to_string(scales) + " scales for a [" + std::to_string(N) + ", " +
                    std::to_string(K) + "] fp8-e4m3-block128 matrix");
}

}  // namespace

int64_t block128_scales_per_row(int64_t K) {
  return K <= 0 ? 0 : (K + kFp8Block128 - 1) / kFp8Block128;
}

std::vector<float> block128_row_scales(std::span<const float> w, int64_t N, int64_t K,
                                       const std::string& what) {
  check_sizes(N, K, w.size(), w.size(), static_cast<size_t>(N * block128_scales_per_row(K)), what);
  for (size_t i = 0; i < w.size(); ++i)
    if (!std::isfinite(w[i]))
      throw Error(
          ErrorKind::Validation, what,
          "weight " + std::to_string(i) + " is not finite; fp8-e4m3-block128 cannot hold it");
  const int64_t nb = block128_scales_per_row(K);
  std::vector<float> s(static_cast<size_t>(N * nb));
  for (int64_t r0 = 0; r0 < N; r0 += kFp8Block128)
    for (int64_t b = 0; b < nb; ++b) {
      const int64_t r1 = std::min(N, r0 + kFp8Block128);
      const int64_t c0 = b * kFp8Block128, c1 = std::min(K, c0 + kFp8Block128);
      float a = 0.0f;
      for (int64_t r = r0; r < r1; ++r)
        for (int64_t c = c0; c < c1; ++c)
          a = std::max(a, std::fabs(w[static_cast<size_t>(r * K + c)]));
      const float scale = a / kE4M3Max;  // formats.cpp e4m3_scale
      for (int64_t r = r0; r < r1; ++r) s[static_cast<size_t>(r * nb + b)] = scale;
    }
  return s;
}

void pack_block128_rows(std::span<const float> w, std::span<const float> row_scales, int64_t N,
                        int64_t K, std::span<uint8_t> codes, const std::string& what) {
  check_sizes(N, K, w.size(), codes.size(), row_scales.size(), what);
  const int64_t nb = block128_scales_per_row(K);
  for (int64_t r = 0; r < N; ++r)
    for (int64_t k = 0; k < K; ++k) {
      const float s = row_scales[static_cast<size_t>(r * nb + k / kFp8Block128)];
      const size_t i = static_cast<size_t>(r * K + k);
      codes[i] = s == 0.0f ? 0 : e4m3_encode(w[i] / s);  // formats.cpp e4m3_value
    }
}

void unpack_block128_rows(std::span<const uint8_t> codes, std::span<const float> row_scales,
                          int64_t N, int64_t K, std::span<float> out) {
  check_sizes(N, K, out.size(), codes.size(), row_scales.size(), "fp8-e4m3-block128");
  const int64_t nb = block128_scales_per_row(K);
  for (int64_t r = 0; r < N; ++r)
    for (int64_t k = 0; k < K; ++k) {
      const size_t i = static_cast<size_t>(r * K + k);
      out[i] = e4m3_decode(codes[i]) * row_scales[static_cast<size_t>(r * nb + k / kFp8Block128)];
    }
}

}  // namespace archscope::quant
