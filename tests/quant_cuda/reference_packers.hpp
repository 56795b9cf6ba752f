// Host packers and decoders of the packed weight layouts, written for this suite from the
// definitions alone (issue 12 §1 for the quantization rules, the packed-layout contract of §2 for
// the bytes), not from the engine's code: llama.cpp's quantize_row_q8_0_ref / q4_0_ref rounding,
// AWQ-style int4 with round half to even, QLoRA NF4 nearest code (ties to the lower code), OCP MX
// v1.0 MXFP4 (E8M0 scale 2^(floor(log2 absmax) - 2), E2M1 nearest, ties to the even code), OCP
// E4M3 nearest (ties to the even code, saturating at 448) found by searching all 127 finite
// magnitudes rather than by bit manipulation. `pad` fills the unused value bytes of a partial
// last block (the contract pads with zeros; a kernel must not depend on it).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "cuda/quant/packed_gemv.hpp"

namespace archscope::test {

using cuda::PackedFormat;

struct Packed {
  std::vector<uint8_t> bytes;  // N * packed_row_bytes
  std::vector<float> scales;   // the channel / block128 formats
};

inline uint16_t f16_bits_of(float x) {
  const _Float16 h = static_cast<_Float16>(x);
  uint16_t b;
  std::memcpy(&b, &h, 2);
  return b;
}
inline float f16_value(uint16_t b) {
  _Float16 h;
  std::memcpy(&h, &b, 2);
  return static_cast<float>(h);
}

// E4M3 (OFP8 v1.0): bias 7, 3 mantissa bits, exponent field 0 = subnormal m * 2^-9, S.1111.111 NaN.
inline float e4m3_value_of(uint8_t c) {
  const int e = (c >> 3) & 15, m = c & 7;
  if ((c & 0x7f) == 0x7f) return std::nanf("");
  const float mag = e == 0 ? std::ldexp(static_cast<float>(m), -9)
                           : std::ldexp(1.0f + static_cast<float>(m) / 8.0f, e - 7);
  return (c & 0x80) ? -mag : mag;
}
// Nearest of the 127 finite magnitudes (ascending with the code): the two neighbours of a
// binary search, a tie to the even code.
inline uint8_t e4m3_code_of(float x) {
  static const std::vector<double> mags = [] {
    std::vector<double> m;
    for (int c = 0; c < 0x7f; ++c) m.push_back(e4m3_value_of(static_cast<uint8_t>(c)));
    return m;
  }();
  const double a = std::fabs(static_cast<double>(x));
  const auto it = std::lower_bound(mags.begin(), mags.end(), a);
  int best = static_cast<int>(std::min<ptrdiff_t>(it - mags.begin(), 0x7e));
  if (best > 0) {
    const double up = std::fabs(mags[static_cast<size_t>(best)] - a),
                 down = std::fabs(mags[static_cast<size_t>(best - 1)] - a);
    if (down < up || (down == up && (best - 1) % 2 == 0)) best -= 1;
  }
  return static_cast<uint8_t>(best | (std::signbit(x) ? 0x80 : 0));
}

inline const float kE2M1[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
inline uint8_t e2m1_code_of(float x) {
  const float a = std::fabs(x);
  int best = 0;
  for (int c = 1; c < 8; ++c) {
    const double d = std::fabs(static_cast<double>(kE2M1[c]) - a),
                 db = std::fabs(static_cast<double>(kE2M1[best]) - a);
    if (d < db || (d == db && c % 2 == 0)) best = c;
  }
  return static_cast<uint8_t>(best | (std::signbit(x) ? 8 : 0));
}

// bitsandbytes' NF4 code values (QLoRA appendix E), typed in from the table.
inline const float kNf4[16] = {-1.0f,
                               -0.6961928009986877f,
                               -0.5250730514526367f,
                               -0.39491748809814453f,
                               -0.28444138169288635f,
                               -0.18477343022823334f,
                               -0.09105003625154495f,
                               0.0f,
                               0.07958029955625534f,
                               0.16093020141124725f,
                               0.24611230194568634f,
                               0.33791524171829224f,
                               0.44070982933044434f,
                               0.5626170039176941f,
                               0.7229568362236023f,
                               1.0f};

inline Packed pack(PackedFormat f, const std::vector<float>& w, int64_t N, int64_t K,
                   uint8_t pad = 0) {
  Packed p;
  const int64_t rb = cuda::packed_row_bytes(f, K);
  p.bytes.assign(static_cast<size_t>(N * rb), pad);
  p.scales.assign(static_cast<size_t>(cuda::packed_scale_count(f, N, K)), 0.0f);
  auto put16 = [](uint8_t* b, uint16_t v) { b[0] = v & 0xff, b[1] = v >> 8; };
  for (int64_t n = 0; n < N; ++n) {
    const float* x = w.data() + n * K;
    uint8_t* row = p.bytes.data() + n * rb;
    auto blockwise = [&](int64_t B, int64_t bytes, auto&& one) {
      for (int64_t j = 0; j * B < K; ++j) one(x + j * B, std::min(B, K - j * B), row + j * bytes);
    };
    switch (f) {
      case PackedFormat::Q8_0:
        blockwise(32, 34, [&](const float* v, int64_t m, uint8_t* b) {
          float amax = 0;
          for (int64_t i = 0; i < m; ++i) amax = std::max(amax, std::fabs(v[i]));
          const float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
          put16(b, f16_bits_of(d));
          for (int64_t i = 0; i < m; ++i)
            b[2 + i] = static_cast<uint8_t>(static_cast<int8_t>(std::roundf(v[i] * id)));
        });
        break;
      case PackedFormat::Q4_0:
        blockwise(32, 18, [&](const float* v, int64_t m, uint8_t* b) {
          float amax = 0, mx = 0;
          for (int64_t i = 0; i < m; ++i)
            if (std::fabs(v[i]) > amax) amax = std::fabs(v[i]), mx = v[i];
          const float d = mx / -8.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
          put16(b, f16_bits_of(d));
          uint8_t q[32];
          std::fill(q, q + 32, static_cast<uint8_t>(pad & 15));
          for (int64_t i = 0; i < m; ++i)
            q[i] = static_cast<uint8_t>(
                std::min(15, static_cast<int>(static_cast<int8_t>(v[i] * id + 8.5f))));
          for (int i = 0; i < 16; ++i) b[2 + i] = static_cast<uint8_t>(q[i] | (q[i + 16] << 4));
        });
        break;
      case PackedFormat::Int4G128:
        blockwise(128, 68, [&](const float* v, int64_t m, uint8_t* b) {
          float lo = v[0], hi = v[0];
          for (int64_t i = 1; i < m; ++i) lo = std::min(lo, v[i]), hi = std::max(hi, v[i]);
          const uint16_t sb = f16_bits_of(std::max(hi - lo, 1e-5f) / 15.0f);
          const float s = f16_value(sb);
          const float z = std::clamp(std::nearbyint(-lo / s), 0.0f, 15.0f);
          put16(b, sb);
          b[2] = static_cast<uint8_t>(z);
          b[3] = 0;
          uint8_t q[128];
          std::fill(q, q + 128, static_cast<uint8_t>(pad & 15));
          for (int64_t i = 0; i < m; ++i)
            q[i] = static_cast<uint8_t>(std::clamp(std::nearbyint(v[i] / s) + z, 0.0f, 15.0f));
          for (int i = 0; i < 64; ++i) b[4 + i] = static_cast<uint8_t>(q[i] | (q[i + 64] << 4));
        });
        break;
      case PackedFormat::Nf4:
        blockwise(64, 36, [&](const float* v, int64_t m, uint8_t* b) {
          float a = 0;
          for (int64_t i = 0; i < m; ++i) a = std::max(a, std::fabs(v[i]));
          std::memcpy(b, &a, 4);
          uint8_t q[64];
          std::fill(q, q + 64, static_cast<uint8_t>(pad & 15));
          for (int64_t i = 0; i < m; ++i) {
            int best = 7;  // the zero code for an all-zero block
            if (a != 0.0f) {
              const float r = v[i] / a;
              best = 0;
              for (int c = 1; c < 16; ++c)
                if (r > 0.5f * (kNf4[c - 1] + kNf4[c])) best = c;
            }
            q[i] = static_cast<uint8_t>(best);
          }
          for (int i = 0; i < 32; ++i) b[4 + i] = static_cast<uint8_t>(q[i] | (q[i + 32] << 4));
        });
        break;
      case PackedFormat::Mxfp4:
        blockwise(32, 17, [&](const float* v, int64_t m, uint8_t* b) {
          float a = 0;
          for (int64_t i = 0; i < m; ++i) a = std::max(a, std::fabs(v[i]));
          uint8_t q[32];
          std::fill(q, q + 32, static_cast<uint8_t>(pad & 15));
          if (a == 0.0f) {
            b[0] = 127;
            for (int64_t i = 0; i < m; ++i) q[i] = 0;
          } else {
            const int e = static_cast<int>(std::floor(std::log2(static_cast<double>(a)))) - 2;
            b[0] = static_cast<uint8_t>(e + 127);
            const float X = std::ldexp(1.0f, e);
            for (int64_t i = 0; i < m; ++i) q[i] = e2m1_code_of(v[i] / X);
          }
          for (int i = 0; i < 16; ++i)
            b[1 + i] = static_cast<uint8_t>(q[2 * i] | (q[2 * i + 1] << 4));
        });
        break;
      case PackedFormat::Int8Channel: {
        float amax = 0;
        for (int64_t i = 0; i < K; ++i) amax = std::max(amax, std::fabs(x[i]));
        const float s = amax / 127.0f;
        p.scales[static_cast<size_t>(n)] = s;
        for (int64_t i = 0; i < K; ++i)
          row[i] = static_cast<uint8_t>(static_cast<int8_t>(
              s == 0.0f ? 0.0f : std::clamp(std::nearbyint(x[i] / s), -127.0f, 127.0f)));
        break;
      }
      case PackedFormat::Fp8E4M3Channel: {
        float amax = 0;
        for (int64_t i = 0; i < K; ++i) amax = std::max(amax, std::fabs(x[i]));
        const float s = amax / 448.0f;
        p.scales[static_cast<size_t>(n)] = s;
        for (int64_t i = 0; i < K; ++i) row[i] = s == 0.0f ? 0 : e4m3_code_of(x[i] / s);
        break;
      }
      case PackedFormat::Fp8E4M3Block128:
        break;  // whole-matrix blocks: below
    }
  }
  if (f == PackedFormat::Fp8E4M3Block128) {
    const int64_t cols = (K + 127) / 128;
    for (int64_t r0 = 0; r0 < N; r0 += 128)
      for (int64_t c0 = 0; c0 < K; c0 += 128) {
        const int64_t r1 = std::min(N, r0 + 128), c1 = std::min(K, c0 + 128);
        float amax = 0;
        for (int64_t r = r0; r < r1; ++r)
          for (int64_t c = c0; c < c1; ++c) amax = std::max(amax, std::fabs(w[r * K + c]));
        const float s = amax / 448.0f;
        p.scales[static_cast<size_t>((r0 / 128) * cols + c0 / 128)] = s;
        for (int64_t r = r0; r < r1; ++r)
          for (int64_t c = c0; c < c1; ++c)
            p.bytes[static_cast<size_t>(r * K + c)] =
                s == 0.0f ? 0 : e4m3_code_of(w[r * K + c] / s);
      }
  }
  return p;
}

// ŵ[n, k] read from the bytes by the layout table's element rule, the product rounded once.
inline float decode(PackedFormat f, const Packed& p, int64_t N, int64_t K, int64_t n, int64_t k) {
  const uint8_t* row = p.bytes.data() + n * cuda::packed_row_bytes(f, K);
  auto f16 = [](const uint8_t* b) { return f16_value(static_cast<uint16_t>(b[0] | (b[1] << 8))); };
  switch (f) {
    case PackedFormat::Q8_0: {
      const uint8_t* b = row + (k / 32) * 34;
      return static_cast<float>(static_cast<int8_t>(b[2 + k % 32])) * f16(b);
    }
    case PackedFormat::Q4_0: {
      const uint8_t* b = row + (k / 32) * 18;
      const int64_t i = k % 32;
      const int q = i < 16 ? (b[2 + i] & 15) : (b[2 + i - 16] >> 4);
      return static_cast<float>(q - 8) * f16(b);
    }
    case PackedFormat::Int4G128: {
      const uint8_t* b = row + (k / 128) * 68;
      const int64_t i = k % 128;
      const int q = i < 64 ? (b[4 + i] & 15) : (b[4 + i - 64] >> 4);
      return static_cast<float>(q - b[2]) * f16(b);
    }
    case PackedFormat::Nf4: {
      const uint8_t* b = row + (k / 64) * 36;
      const int64_t i = k % 64;
      const int q = i < 32 ? (b[4 + i] & 15) : (b[4 + i - 32] >> 4);
      float a;
      std::memcpy(&a, b, 4);
      return kNf4[q] * a;
    }
    case PackedFormat::Mxfp4: {
      const uint8_t* b = row + (k / 32) * 17;
      const int64_t i = k % 32;
      const int c = (b[1 + i / 2] >> (4 * (i % 2))) & 15;
      const float v = (c & 8) ? -kE2M1[c & 7] : kE2M1[c & 7];
      return v * std::ldexp(1.0f, b[0] - 127);
    }
    case PackedFormat::Int8Channel:
      return static_cast<float>(static_cast<int8_t>(row[k])) * p.scales[static_cast<size_t>(n)];
    case PackedFormat::Fp8E4M3Channel:
      return e4m3_value_of(row[k]) * p.scales[static_cast<size_t>(n)];
    case PackedFormat::Fp8E4M3Block128:
      return e4m3_value_of(row[k]) *
             p.scales[static_cast<size_t>((n / 128) * ((K + 127) / 128) + k / 128)];
  }
  (void)N;
  return 0.0f;
}

}  // namespace archscope::test
