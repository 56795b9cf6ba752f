// The minifloat types against their specs: every code decoded by the formula of the OCP specs
// (OFP8 v1.0 for E4M3, MX v1.0 section 5.3.3 for E2M1), and encoding checked against a search over
// all finite codes for the nearest value (ties to the even code), with saturation.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "quant/minifloat.hpp"

using namespace archscope::quant;

namespace {

// value = (-1)^s * 2^(e - bias) * (1 + m / 2^M), subnormal (e = 0): 2^(1 - bias) * m / 2^M.
double spec_value(uint32_t code, int exp_bits, int man_bits, int bias) {
  const uint32_t s = code >> (exp_bits + man_bits), e = (code >> man_bits) & ((1u << exp_bits) - 1),
                 m = code & ((1u << man_bits) - 1);
  const double frac = static_cast<double>(m) / (1u << man_bits);
  const double v =
      e == 0 ? std::ldexp(frac, 1 - bias) : std::ldexp(1.0 + frac, static_cast<int>(e) - bias);
  return s ? -v : v;
}

// The nearest finite code to x (ties: the code whose last bit is 0), saturating.
uint32_t nearest_code(double x, const std::vector<uint32_t>& finite, int exp_bits, int man_bits,
                      int bias) {
  uint32_t best = finite[0];
  double best_d = INFINITY;
  for (uint32_t c : finite) {
    const double d = std::fabs(spec_value(c, exp_bits, man_bits, bias) - x);
    if (d < best_d || (d == best_d && (c & 1u) == 0 && (best & 1u) == 1)) best = c, best_d = d;
  }
  return best;
}

std::vector<float> probes(const std::vector<double>& grid) {
  std::vector<float> p;
  for (size_t i = 0; i < grid.size(); ++i) {
    p.push_back(static_cast<float>(grid[i]));
    if (i + 1 < grid.size()) p.push_back(static_cast<float>(0.5 * (grid[i] + grid[i + 1])));  // tie
  }
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (int i = 0; i < 20000; ++i) p.push_back(u(rng) * static_cast<float>(grid.back()) * 1.1f);
  for (int i = 0; i < 2000; ++i) p.push_back(u(rng) * 0.01f);
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(minifloat)

BOOST_AUTO_TEST_CASE(e4m3_decodes_every_code_as_the_spec_defines) {
  for (uint32_t c = 0; c < 256; ++c) {
    const float got = e4m3_decode(static_cast<uint8_t>(c));
    if ((c & 0x7F) == 0x7F) {
      BOOST_TEST(std::isnan(got), c);  // S.1111.111 is NaN; no infinities
      continue;
    }
    BOOST_TEST(got == spec_value(c, 4, 3, 7), c);
  }
  BOOST_TEST(e4m3_decode(0x7E) == 448.0f);                // the largest finite (OFP8 table 1)
  BOOST_TEST(e4m3_decode(0x01) == std::ldexp(1.0f, -9));  // the smallest subnormal
  BOOST_TEST(e4m3_decode(0x08) == std::ldexp(1.0f, -6));  // the smallest normal
}

BOOST_AUTO_TEST_CASE(e4m3_encodes_to_the_nearest_even_and_saturates) {
  std::vector<uint32_t> finite;
  std::vector<double> grid;
  for (uint32_t c = 0; c < 0x7F; ++c)
    finite.push_back(c), finite.push_back(c | 0x80), grid.push_back(spec_value(c, 4, 3, 7));
  int bad = 0;
  for (float x : probes(grid)) {
    const uint32_t want = nearest_code(x, finite, 4, 3, 7), got = e4m3_encode(x);
    // +0 and -0 are both exact for x = 0; compare values there.
    if (got != want && !(spec_value(got, 4, 3, 7) == 0 && spec_value(want, 4, 3, 7) == 0) &&
        bad++ < 5)
      BOOST_ERROR("e4m3(" << x << ") = 0x" << std::hex << got << ", want 0x" << want);
  }
  BOOST_TEST(bad == 0);
  BOOST_TEST(e4m3_encode(1e6f) == 0x7E);
  BOOST_TEST(e4m3_encode(-1e6f) == 0xFE);
  BOOST_TEST(e4m3_encode(INFINITY) == 0x7E);
  BOOST_TEST(e4m3_encode(464.0f) == 0x7E);  // halfway to 480, which would be NaN: saturates
}

BOOST_AUTO_TEST_CASE(e2m1_values_and_rounding) {
  const float values[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};  // MX v1.0 table 5
  std::vector<uint32_t> finite;
  std::vector<double> grid;
  for (uint32_t c = 0; c < 8; ++c) {
    BOOST_TEST(e2m1_decode(static_cast<uint8_t>(c)) == values[c]);
    BOOST_TEST(e2m1_decode(static_cast<uint8_t>(c | 8)) == -values[c]);
    BOOST_TEST(spec_value(c, 2, 1, 1) == values[c]);
    finite.push_back(c), finite.push_back(c | 8), grid.push_back(values[c]);
  }
  int bad = 0;
  for (float x : probes(grid)) {
    const uint32_t want = nearest_code(x, finite, 2, 1, 1), got = e2m1_encode(x);
    if (got != want && !(spec_value(got, 2, 1, 1) == 0 && spec_value(want, 2, 1, 1) == 0) &&
        bad++ < 5)
      BOOST_ERROR("e2m1(" << x << ") = " << got << ", want " << want);
  }
  BOOST_TEST(bad == 0);
  // Ties to even: 0.25 -> 0, 0.75 -> 1, 2.5 -> 2, 5 -> 4; saturation at 6.
  BOOST_TEST(e2m1_decode(e2m1_encode(0.25f)) == 0.0f);
  BOOST_TEST(e2m1_decode(e2m1_encode(0.75f)) == 1.0f);
  BOOST_TEST(e2m1_decode(e2m1_encode(2.5f)) == 2.0f);
  BOOST_TEST(e2m1_decode(e2m1_encode(5.0f)) == 4.0f);
  BOOST_TEST(e2m1_decode(e2m1_encode(-7.9f)) == -6.0f);
}

BOOST_AUTO_TEST_CASE(fp16_rounds_to_nearest_even) {
  BOOST_TEST(round_to_f16(1.0f + std::ldexp(1.0f, -11)) == 1.0f);  // tie: 1 is even
  BOOST_TEST(round_to_f16(1.0f + 3 * std::ldexp(1.0f, -11)) == 1.0f + std::ldexp(1.0f, -9));
  BOOST_TEST(round_to_f16(65504.0f) == 65504.0f);  // the largest finite binary16
  BOOST_TEST(std::isinf(round_to_f16(65520.0f)));  // halfway to 2^16 rounds to infinity (IEEE)
  BOOST_TEST(round_to_f16(std::ldexp(1.0f, -24)) == std::ldexp(1.0f, -24));  // smallest subnormal
  BOOST_TEST(round_to_f16(std::ldexp(1.0f, -25)) == 0.0f);                   // tie to even 0
}

BOOST_AUTO_TEST_SUITE_END()
