#include "quant/formats.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "quant/minifloat.hpp"

namespace archscope::quant {

const float kNf4Codes[16] = {-1.0f,
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

namespace {

struct Info {
  Format f;
  const char* name;
};
constexpr Info kInfo[] = {{Format::Q8_0, "q8_0"},
                          {Format::Q4_0, "q4_0"},
                          {Format::Int4G128, "int4-g128"},
                          {Format::Int8Channel, "int8-channel"},
                          {Format::Fp8E4M3Channel, "fp8-e4m3-channel"},
                          {Format::Fp8E4M3Block128, "fp8-e4m3-block128"},
                          {Format::Nf4, "nf4"},
                          {Format::Mxfp4, "mxfp4"}};

int64_t blocks(int64_t n, int64_t b) {
  return (n + b - 1) / b;
}

float absmax(const float* x, int64_t n) {
  float m = 0.0f;
  for (int64_t i = 0; i < n; ++i) m = std::max(m, std::fabs(x[i]));
  return m;
}

// llama.cpp quantize_row_q8_0_ref (ggml-quants.c): d = amax / 127, id = d ? 1/d : 0,
// q = roundf(x * id) (half away from zero), d stored as fp16.
void q8_0(const float* x, float* y, int64_t n) {
  const float d = absmax(x, n) / 127.0f;
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  const float dh = round_to_f16(d);
  for (int64_t i = 0; i < n; ++i) y[i] = std::roundf(x[i] * id) * dh;
}

// llama.cpp quantize_row_q4_0_ref: max = the element of largest |x| (the first such), d = max /
// -8, id = d ? 1/d : 0, q = min(15, (int8_t)(x * id + 8.5f)) (truncation), value (q - 8) * fp16(d).
void q4_0(const float* x, float* y, int64_t n) {
  float amax = 0.0f, mx = 0.0f;
  for (int64_t i = 0; i < n; ++i)
    if (std::fabs(x[i]) > amax) amax = std::fabs(x[i]), mx = x[i];
  const float d = mx / -8.0f;
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  const float dh = round_to_f16(d);
  for (int64_t i = 0; i < n; ++i) {
    const int q = std::min(15, static_cast<int>(static_cast<int8_t>(x[i] * id + 8.5f)));
    y[i] = static_cast<float>(q - 8) * dh;
  }
}

// AWQ/GPTQ-style asymmetric int4 (issue 12's definition): s = fp16(max(max - min, 1e-5) / 15),
// z = clamp(round(-min / s), 0, 15), q = clamp(round(w / s) + z, 0, 15), ŵ = (q - z) * s, with
// round half to even.
void int4_group(const float* x, float* y, int64_t n) {
  float lo = x[0], hi = x[0];
  for (int64_t i = 1; i < n; ++i) lo = std::min(lo, x[i]), hi = std::max(hi, x[i]);
  const float s = round_to_f16(std::max(hi - lo, 1e-5f) / 15.0f);
  const float z = std::clamp(std::nearbyint(-lo / s), 0.0f, 15.0f);
  for (int64_t i = 0; i < n; ++i) {
    const float q = std::clamp(std::nearbyint(x[i] / s) + z, 0.0f, 15.0f);
    y[i] = (q - z) * s;
  }
}

// Symmetric int8 per output row: s = absmax / 127 (fp32), q = clamp(round(w / s), -127, 127)
// (half to even), ŵ = q * s; an all-zero row stays zero.
void int8_row(const float* x, float* y, int64_t n) {
  const float s = absmax(x, n) / 127.0f;
  for (int64_t i = 0; i < n; ++i)
    y[i] = s == 0.0f ? 0.0f : std::clamp(std::nearbyint(x[i] / s), -127.0f, 127.0f) * s;
}

// E4M3 with scale s = absmax / 448 over the given elements: ŵ = e4m3(w / s) * s.
float e4m3_scale(float amax) {
  return amax / kE4M3Max;
}
float e4m3_value(float x, float s) {
  return s == 0.0f ? 0.0f : round_to_e4m3(x / s) * s;
}

// QLoRA NF4: w / absmax to the nearest code (a tie goes to the lower code, as bitsandbytes'
// dQuantizeNF4 compares with `>` against the midpoints), ŵ = code * absmax (fp32).
void nf4(const float* x, float* y, int64_t n) {
  const float a = absmax(x, n);
  for (int64_t i = 0; i < n; ++i) {
    if (a == 0.0f) {
      y[i] = 0.0f;
      continue;
    }
    const float v = x[i] / a;
    int best = 0;
    for (int c = 1; c < 16; ++c) {
      const float mid = 0.5f * (kNf4Codes[c - 1] + kNf4Codes[c]);
      if (v > mid) best = c;
    }
    y[i] = kNf4Codes[best] * a;
  }
}

// OCP MX v1.0 MXFP4 (section 6.3, the conversion of 6.3's pseudo code): shared scale X =
// 2^(floor(log2(absmax)) - emax_elem) with emax_elem = 2 for E2M1 (an E8M0 value), elements
// e2m1(w / X) with RNE, saturating at +-6; an all-zero block stays zero.
void mxfp4(const float* x, float* y, int64_t n) {
  const float a = absmax(x, n);
  if (a == 0.0f) {
    std::fill(y, y + n, 0.0f);
    return;
  }
  int e = 0;
  std::frexp(a, &e);  // a in [2^(e-1), 2^e): floor(log2(a)) = e - 1
  const float X = std::ldexp(1.0f, (e - 1) - 2);
  for (int64_t i = 0; i < n; ++i) y[i] = e2m1_decode(e2m1_encode(x[i] / X)) * X;
}

template <class F>
void along_k(const float* w, float* y, int64_t N, int64_t K, int64_t block, F&& f) {
  for (int64_t r = 0; r < N; ++r)
    for (int64_t k0 = 0; k0 < K; k0 += block)
      f(w + r * K + k0, y + r * K + k0, std::min(block, K - k0));
}

}  // namespace

const char* to_string(Format f) {
  for (const Info& i : kInfo)
    if (i.f == f) return i.name;
  return "?";
}

std::string format_names() {
  std::string s;
  for (const Info& i : kInfo) s += (s.empty() ? "" : "|") + std::string(i.name);
  return s;
}

std::vector<Format> all_formats() {
  std::vector<Format> v;
  for (const Info& i : kInfo) v.push_back(i.f);
  return v;
}

Format parse_format(const std::string& name, const std::string& option) {
  for (const Info& i : kInfo)
    if (name == i.name) return i.f;
  throw Error(ErrorKind::Validation, option,
              "'" + name + "' is not a quantization format (" + format_names() + ")");
}

uint64_t storage_bits(Format f, int64_t N, int64_t K) {
  const auto n = static_cast<uint64_t>(N), k = static_cast<uint64_t>(K);
  const auto per_row = [&](int64_t block) { return static_cast<uint64_t>(blocks(K, block)); };
  switch (f) {
    case Format::Q8_0:
      return n * (k * 8 + per_row(32) * 16);
    case Format::Q4_0:
      return n * (k * 4 + per_row(32) * 16);
    case Format::Int4G128:
      return n * (k * 4 + per_row(128) * (16 + 4));  // fp16 scale, 4-bit zero
    case Format::Int8Channel:
      return n * (k * 8 + 32);
    case Format::Fp8E4M3Channel:
      return n * (k * 8 + 32);
    case Format::Fp8E4M3Block128:
      return n * k * 8 + static_cast<uint64_t>(blocks(N, 128) * blocks(K, 128)) * 32;
    case Format::Nf4:
      return n * (k * 4 + per_row(64) * 32);
    case Format::Mxfp4:
      return n * (k * 4 + per_row(32) * 8);
  }
  return 0;
}

double bits_per_weight(Format f, int64_t N, int64_t K) {
  return N * K == 0 ? 0.0 : static_cast<double>(storage_bits(f, N, K)) / static_cast<double>(N * K);
}

std::vector<float> fake_quantize(Format f, std::span<const float> w, int64_t N, int64_t K) {
  if (N < 0 || K < 0 || static_cast<int64_t>(w.size()) != N * K)
    throw Error(ErrorKind::Validation, to_string(f),
                std::to_string(w.size()) + " weights for a [" + std::to_string(N) + ", " +
                    std::to_string(K) + "] matrix");
  std::vector<float> y(w.size());
  const float* x = w.data();
  switch (f) {
    case Format::Q8_0:
      along_k(x, y.data(), N, K, 32, q8_0);
      break;
    case Format::Q4_0:
      along_k(x, y.data(), N, K, 32, q4_0);
      break;
    case Format::Int4G128:
      along_k(x, y.data(), N, K, 128, int4_group);
      break;
    case Format::Int8Channel:
      along_k(x, y.data(), N, K, std::max<int64_t>(K, 1), int8_row);
      break;
    case Format::Fp8E4M3Channel:
      along_k(x, y.data(), N, K, std::max<int64_t>(K, 1), [](const float* a, float* b, int64_t n) {
        const float s = e4m3_scale(absmax(a, n));
        for (int64_t i = 0; i < n; ++i) b[i] = e4m3_value(a[i], s);
      });
      break;
    case Format::Fp8E4M3Block128:
      for (int64_t r0 = 0; r0 < N; r0 += 128)
        for (int64_t c0 = 0; c0 < K; c0 += 128) {
          const int64_t r1 = std::min(N, r0 + 128), c1 = std::min(K, c0 + 128);
          float a = 0.0f;
          for (int64_t r = r0; r < r1; ++r) a = std::max(a, absmax(x + r * K + c0, c1 - c0));
          const float s = e4m3_scale(a);
          for (int64_t r = r0; r < r1; ++r)
            for (int64_t c = c0; c < c1; ++c) y[r * K + c] = e4m3_value(x[r * K + c], s);
        }
      break;
    case Format::Nf4:
      along_k(x, y.data(), N, K, 64, nf4);
      break;
    case Format::Mxfp4:
      along_k(x, y.data(), N, K, 32, mxfp4);
      break;
  }
  return y;
}

}  // namespace archscope::quant
