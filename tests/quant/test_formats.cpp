// Every weight format against a reference written here from its definition (issue 12 section 1,
// which cites llama.cpp's ggml-quants.c for q8_0 / q4_0, QLoRA for NF4 and OCP MX v1.0 for MXFP4),
// in double arithmetic except where the definition fixes fp32, with its own binary16 and
// minifloat rounding: dequantized weights must agree bit for bit. Plus hand-worked blocks and the
// storage sizes the issue states.
#define BOOST_TEST_DYN_LINK
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "common/error.hpp"
#include "quant/formats.hpp"

using namespace archscope;
using namespace archscope::quant;

namespace {

// binary16 RNE in double: the ulp of |x|'s binade (at least 2^-24), nearbyint on that grid.
double ref_f16(double x) {
  if (x == 0) return x;
  const int e = std::max(static_cast<int>(std::floor(std::log2(std::fabs(x)))), -14);
  const double ulp = std::ldexp(1.0, e - 10);
  const double r = std::nearbyint(x / ulp) * ulp;
  return std::fabs(r) > 65504.0 ? std::copysign(INFINITY, x) : r;
}

// The nearest value of a sorted finite grid (both signs), ties to the even index of the grid of
// magnitudes, saturating at the ends.
double ref_grid(double x, const std::vector<double>& mags) {
  const double a = std::fabs(x);
  size_t best = 0;
  for (size_t i = 1; i < mags.size(); ++i) {
    const double d = std::fabs(mags[i] - a), b = std::fabs(mags[best] - a);
    if (d < b || (d == b && i % 2 == 0)) best = i;
  }
  return std::copysign(mags[best], x);
}

std::vector<double> e4m3_mags() {
  std::vector<double> m;
  for (int c = 0; c < 0x7F; ++c) {
    const int e = c >> 3, f = c & 7;
    m.push_back(e == 0 ? std::ldexp(f / 8.0, -6) : std::ldexp(1.0 + f / 8.0, e - 7));
  }
  return m;
}
const std::vector<double> kE2M1 = {0, 0.5, 1, 1.5, 2, 3, 4, 6};

using BlockRef = std::function<void(const float*, double*, int64_t)>;

std::vector<double> ref_along_k(const std::vector<float>& w, int64_t N, int64_t K, int64_t block,
                                const BlockRef& f) {
  std::vector<double> y(w.size());
  for (int64_t r = 0; r < N; ++r)
    for (int64_t k = 0; k < K; k += block)
      f(w.data() + r * K + k, y.data() + r * K + k, std::min(block, K - k));
  return y;
}

double amax(const float* x, int64_t n) {
  double m = 0;
  for (int64_t i = 0; i < n; ++i) m = std::max(m, std::fabs(static_cast<double>(x[i])));
  return m;
}

void ref_q8_0(const float* x, double* y, int64_t n) {
  const float d = static_cast<float>(amax(x, n)) / 127.0f;  // fp32, as ggml
  const float id = d ? 1.0f / d : 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    const float p = x[i] * id;
    const double q = p < 0 ? -std::floor(-p + 0.5) : std::floor(p + 0.5);  // half away from zero
    y[i] = q * ref_f16(d);
  }
}

void ref_q4_0(const float* x, double* y, int64_t n) {
  int64_t at = 0;
  for (int64_t i = 1; i < n; ++i)
    if (std::fabs(x[i]) > std::fabs(x[at])) at = i;  // the first element of largest |x|
  const float d = x[at] / -8.0f;
  const float id = d ? 1.0f / d : 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i] * id + 8.5f;
    const double q = std::min(15.0, std::trunc(static_cast<double>(v)));
    y[i] = (q - 8) * ref_f16(d);
  }
}

void ref_int4(const float* x, double* y, int64_t n) {
  const float lo = *std::min_element(x, x + n), hi = *std::max_element(x, x + n);
  const double s = ref_f16(static_cast<double>(std::max(hi - lo, 1e-5f) / 15.0f));
  const float sf = static_cast<float>(s);
  const double z = std::clamp(std::nearbyint(static_cast<double>(-lo / sf)), 0.0, 15.0);
  for (int64_t i = 0; i < n; ++i)
    y[i] = (std::clamp(std::nearbyint(static_cast<double>(x[i] / sf)) + z, 0.0, 15.0) - z) * sf;
}

void ref_int8_row(const float* x, double* y, int64_t n) {
  const float s = static_cast<float>(amax(x, n)) / 127.0f;
  for (int64_t i = 0; i < n; ++i)
    y[i] = s == 0
               ? 0.0
               : static_cast<float>(
                     std::clamp(std::nearbyint(static_cast<double>(x[i] / s)), -127.0, 127.0) * s);
}

double ref_e4m3_scaled(float x, float s) {
  if (s == 0) return 0;
  static const std::vector<double> m = e4m3_mags();
  return static_cast<float>(ref_grid(x / s, m)) * s;
}

void ref_nf4(const float* x, double* y, int64_t n) {
  const float a = static_cast<float>(amax(x, n));
  for (int64_t i = 0; i < n; ++i) {
    if (a == 0) {
      y[i] = 0;
      continue;
    }
    const float v = x[i] / a;
    int best = 0;  // nearest code; a tie keeps the lower code
    for (int c = 1; c < 16; ++c)
      if (std::fabs(v - kNf4Codes[c]) < std::fabs(v - kNf4Codes[best])) best = c;
    y[i] = static_cast<float>(kNf4Codes[best] * a);
  }
}

void ref_mxfp4(const float* x, double* y, int64_t n) {
  const double a = amax(x, n);
  if (a == 0) {
    std::fill(y, y + n, 0.0);
    return;
  }
  const double X = std::ldexp(1.0, static_cast<int>(std::floor(std::log2(a))) - 2);
  for (int64_t i = 0; i < n; ++i) y[i] = ref_grid(x[i] / X, kE2M1) * X;
}

std::vector<double> reference(Format f, const std::vector<float>& w, int64_t N, int64_t K) {
  switch (f) {
    case Format::Q8_0:
      return ref_along_k(w, N, K, 32, ref_q8_0);
    case Format::Q4_0:
      return ref_along_k(w, N, K, 32, ref_q4_0);
    case Format::Int4G128:
      return ref_along_k(w, N, K, 128, ref_int4);
    case Format::Int8Channel:
      return ref_along_k(w, N, K, K, ref_int8_row);
    case Format::Fp8E4M3Channel:
      return ref_along_k(w, N, K, K, [](const float* x, double* y, int64_t n) {
        const float s = static_cast<float>(amax(x, n)) / 448.0f;
        for (int64_t i = 0; i < n; ++i) y[i] = ref_e4m3_scaled(x[i], s);
      });
    case Format::Fp8E4M3Block128: {
      std::vector<double> y(w.size());
      for (int64_t r0 = 0; r0 < N; r0 += 128)
        for (int64_t c0 = 0; c0 < K; c0 += 128) {
          double a = 0;
          for (int64_t r = r0; r < std::min(N, r0 + 128); ++r)
            for (int64_t c = c0; c < std::min(K, c0 + 128); ++c)
              a = std::max(a, std::fabs(static_cast<double>(w[r * K + c])));
          const float s = static_cast<float>(a) / 448.0f;
          for (int64_t r = r0; r < std::min(N, r0 + 128); ++r)
            for (int64_t c = c0; c < std::min(K, c0 + 128); ++c)
              y[r * K + c] = ref_e4m3_scaled(w[r * K + c], s);
        }
      return y;
    }
    case Format::Nf4:
      return ref_along_k(w, N, K, 64, ref_nf4);
    case Format::Mxfp4:
      return ref_along_k(w, N, K, 32, ref_mxfp4);
  }
  return {};
}

// Weights like a trained layer's (normal, a few outliers), exact zeros and ties sprinkled in.
std::vector<float> weights(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.0f, 0.02f);
  std::vector<float> w(static_cast<size_t>(n));
  for (auto& v : w) v = g(rng);
  for (size_t i = 0; i < w.size(); i += 37) w[i] *= 25.0f;  // outliers
  for (size_t i = 5; i < w.size(); i += 53) w[i] = 0.0f;
  return w;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(formats)

BOOST_AUTO_TEST_CASE(every_format_matches_its_reference_bit_for_bit) {
  // Shapes with partial last blocks (K = 45, 200, 300) and a partial 128-row block (N = 130).
  const std::vector<std::pair<int64_t, int64_t>> shapes = {
      {3, 32}, {5, 45}, {7, 200}, {130, 300}, {2, 1}};
  for (Format f : all_formats())
    for (const auto& [N, K] : shapes) {
      const auto w = weights(N * K, static_cast<uint32_t>(N * 1000 + K));
      const std::vector<float> got = fake_quantize(f, w, N, K);
      const std::vector<double> want = reference(f, w, N, K);
      int bad = 0;
      for (size_t i = 0; i < w.size(); ++i)
        if (static_cast<double>(got[i]) != want[i] && bad++ < 3)
          BOOST_ERROR(to_string(f) << " [" << N << ", " << K << "] at " << i << ": w " << w[i]
                                   << " -> " << got[i] << ", reference " << want[i]);
      BOOST_TEST(bad == 0, to_string(f) << " [" << N << ", " << K << "]");
    }
}

BOOST_AUTO_TEST_CASE(hand_worked_blocks) {
  // q8_0 on [1, -0.5, 0.25, 0 ...]: d = 1/127, values round(127 x) / 127 in fp16(1/127).
  std::vector<float> w(32, 0.0f);
  w[0] = 1.0f, w[1] = -0.5f, w[2] = 0.25f;
  auto y = fake_quantize(Format::Q8_0, w, 1, 32);
  const float d = static_cast<float>(static_cast<_Float16>(1.0f / 127.0f));
  BOOST_TEST(y[0] == 127 * d);
  BOOST_TEST(y[1] == -64 * d);  // -63.5 rounds away from zero
  BOOST_TEST(y[2] == 32 * d);   // 31.75
  // q4_0: max = -2 (largest |w|, negative): d = 0.25, w = 1 -> q = trunc(4 + 8.5) = 12 -> 1.0;
  // w = -2 -> q = 0 -> -2; w = 2 would be q = 16 -> clamped to 15 -> 1.75.
  std::vector<float> v(32, 0.0f);
  v[0] = -2.0f, v[1] = 1.0f, v[2] = 1.9f;
  y = fake_quantize(Format::Q4_0, v, 1, 32);
  BOOST_TEST(y[0] == -2.0f);
  BOOST_TEST(y[1] == 1.0f);
  BOOST_TEST(y[2] == 1.75f);  // 1.9 / 0.25 = 7.6 + 8.5 = 16.1 -> 15
  BOOST_TEST(y[3] == 0.0f);
  // mxfp4: absmax 5 -> X = 2^(2 - 2) = 1; 5 -> tie between 4 and 6 -> 4 (even), 0.3 -> 0.5.
  std::vector<float> m(32, 0.0f);
  m[0] = 5.0f, m[1] = 0.3f, m[2] = -2.6f;
  y = fake_quantize(Format::Mxfp4, m, 1, 32);
  BOOST_TEST(y[0] == 4.0f);
  BOOST_TEST(y[1] == 0.5f);
  BOOST_TEST(y[2] == -3.0f);
  // nf4: absmax 2; 1.0 / 2 = 0.5 -> nearest code 0.4407 (0.0593 away; 0.5626 is 0.0626 away).
  std::vector<float> n(64, 0.0f);
  n[0] = 2.0f, n[1] = 1.0f;
  y = fake_quantize(Format::Nf4, n, 1, 64);
  BOOST_TEST(y[0] == 2.0f);
  BOOST_TEST(y[1] == 0.44070982933044434f * 2.0f);
}

BOOST_AUTO_TEST_CASE(a_partial_last_block_has_its_own_scale) {
  // K = 40: block [32, 40) holds only small weights; its scale must come from them alone.
  std::vector<float> w(40, 0.0f);
  w[0] = 100.0f;
  for (int i = 32; i < 40; ++i) w[i] = 0.001f * (i - 31);
  const auto y = fake_quantize(Format::Q8_0, w, 1, 40);
  BOOST_TEST(std::fabs(y[39] - w[39]) < 1e-5);  // with the first block's scale it would be 0
  BOOST_TEST(y[33] != 0.0f);
}

BOOST_AUTO_TEST_CASE(bits_per_weight_as_the_formats_define) {
  // Issue 12: q8_0 8.5, q4_0 4.5, int4-g128 4.156, nf4 4.5, mxfp4 4.25 (K a multiple of the block).
  BOOST_TEST(bits_per_weight(Format::Q8_0, 4096, 4096) == 8.5);
  BOOST_TEST(bits_per_weight(Format::Q4_0, 4096, 4096) == 4.5);
  BOOST_TEST(bits_per_weight(Format::Int4G128, 4096, 4096) == 4.15625);
  BOOST_TEST(bits_per_weight(Format::Nf4, 4096, 4096) == 4.5);
  BOOST_TEST(bits_per_weight(Format::Mxfp4, 4096, 4096) == 4.25);
  BOOST_TEST(bits_per_weight(Format::Int8Channel, 4096, 4096) == 8.0 + 32.0 / 4096);
  BOOST_TEST(bits_per_weight(Format::Fp8E4M3Block128, 256, 256) == 8.0 + 32.0 / (128 * 128));
  // A partial block costs a whole block's scale: K = 33 is two q8_0 blocks per row.
  BOOST_TEST(storage_bits(Format::Q8_0, 1, 33) == 33u * 8 + 2 * 16);
}

BOOST_AUTO_TEST_CASE(names_parse_and_errors_name_the_option) {
  for (Format f : all_formats()) BOOST_TEST((parse_format(to_string(f)) == f));
  try {
    parse_format("q5_k", "--weights-quant");
    BOOST_FAIL("accepted");
  } catch (const Error& e) {
    BOOST_TEST(e.where() == "--weights-quant");
    BOOST_TEST(std::string(e.what()).find("q5_k") != std::string::npos);
  }
  BOOST_CHECK_THROW(fake_quantize(Format::Q8_0, std::vector<float>(5), 2, 3), Error);
}

BOOST_AUTO_TEST_SUITE_END()
