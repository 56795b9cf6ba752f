#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "common/error.hpp"
#include "rope/rope_tables.hpp"

using namespace archscope;
namespace tt = boost::test_tools;

namespace {

Rope make(double theta, RopeScalingKind kind, double factor) {
  Rope r;
  r.theta = theta;
  r.scaling.kind = kind;
  r.scaling.factor = factor;
  return r;
}

double base_freq(double theta, int64_t dim, int64_t i) { return std::pow(theta, -2.0 * i / dim); }

// YaRN written from the paper's definitions: a pair's rotation count over the original context,
// the correction range in dimension units, and a linear ramp between pure extrapolation and
// interpolation by `factor`.
std::vector<double> yarn_reference(double theta, int64_t dim, double factor, double fast, double slow,
                                   double orig, bool truncate) {
  auto dim_for = [&](double rotations) { return dim * std::log(orig / (rotations * 2 * std::numbers::pi)) / (2 * std::log(theta)); };
  double lo = dim_for(fast), hi = dim_for(slow);
  if (truncate) { lo = std::floor(lo); hi = std::ceil(hi); }
  lo = std::max(lo, 0.0);
  hi = std::min(hi, dim - 1.0);
  if (lo == hi) hi += 0.001;
  std::vector<double> f;
  for (int64_t i = 0; i < dim / 2; ++i) {
    const double interp_weight = std::clamp((i - lo) / (hi - lo), 0.0, 1.0);
    const double b = base_freq(theta, dim, i);
    f.push_back(interp_weight * b / factor + (1 - interp_weight) * b);
  }
  return f;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rope_tables)

BOOST_AUTO_TEST_CASE(default_and_linear_pinned) {
  auto f = rope_frequencies(make(10000, RopeScalingKind::None, 1), 4, 0);
  BOOST_TEST(f.inv_freq.size() == 2u);
  BOOST_TEST(f.inv_freq[0] == 1.0);
  BOOST_TEST(f.inv_freq[1] == 0.01, tt::tolerance(1e-15));  // 10000^(-2/4)
  BOOST_TEST(f.attention_factor == 1.0);
  f = rope_frequencies(make(10000, RopeScalingKind::Linear, 4), 4, 0);
  BOOST_TEST(f.inv_freq[0] == 0.25);
  BOOST_TEST(f.inv_freq[1] == 0.0025, tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(rotary_dim_follows_partial_rotary) {
  Rope r;
  r.partial_rotary = 0.25;
  BOOST_TEST(rope_rotary_dim(r, 64) == 16);
  r.partial_rotary = 0.5;
  BOOST_TEST(rope_rotary_dim(r, 80) == 40);
  r.partial_rotary = 0.3;  // 19.2 -> 19, odd
  BOOST_CHECK_THROW(rope_rotary_dim(r, 64), Error);
}

BOOST_AUTO_TEST_CASE(llama3_piecewise_by_wavelength) {
  Rope r = make(500000, RopeScalingKind::Llama3, 8);
  r.scaling.low_freq_factor = 1;
  r.scaling.high_freq_factor = 4;
  r.scaling.original_max_position = 8192;
  auto f = rope_frequencies(r, 128, 131072);
  int high = 0, low = 0, mid = 0;
  for (int64_t i = 0; i < 64; ++i) {
    const double b = base_freq(500000, 128, i), wavelen = 2 * std::numbers::pi / b;
    double want;
    if (wavelen < 8192.0 / 4) { want = b; ++high; }
    else if (wavelen > 8192.0) { want = b / 8; ++low; }
    else {
      const double smooth = (8192.0 / wavelen - 1) / 3;
      want = (1 - smooth) * b / 8 + smooth * b;
      ++mid;
    }
    BOOST_TEST(f.inv_freq[i] == want, tt::tolerance(1e-12));
  }
  BOOST_TEST(high > 0);  // all three regimes are exercised
  BOOST_TEST(low > 0);
  BOOST_TEST(mid > 0);
  BOOST_TEST(f.inv_freq[0] == 1.0);                                     // highest frequency untouched
  BOOST_TEST(f.inv_freq[63] == std::pow(500000.0, -126.0 / 128) / 8, tt::tolerance(1e-12));  // lowest: / factor
}

BOOST_AUTO_TEST_CASE(llama3_without_a_blend_band) {
  // Llama 4 Maverick / the llama4 presets: low_freq_factor = high_freq_factor = 1, factor 16,
  // original 8192. transformers keeps wavelengths below 8192 and divides the longer ones by 16.
  Rope r = make(500000, RopeScalingKind::Llama3, 16);
  r.scaling.low_freq_factor = 1;
  r.scaling.high_freq_factor = 1;
  r.scaling.original_max_position = 8192;
  const auto f = rope_frequencies(r, 128, 131072);
  int kept = 0, divided = 0;
  for (int64_t i = 0; i < 64; ++i) {
    const double b = base_freq(500000, 128, i);
    const bool keep = 2 * std::numbers::pi / b < 8192.0;
    (keep ? kept : divided)++;
    BOOST_TEST(f.inv_freq[i] == (keep ? b : b / 16), tt::tolerance(1e-12));
  }
  BOOST_TEST(kept > 0);
  BOOST_TEST(divided > 0);
  r.scaling.high_freq_factor = 0.5;  // below low: no wavelength order, refused
  BOOST_CHECK_THROW(rope_frequencies(r, 128, 131072), Error);
}

BOOST_AUTO_TEST_CASE(yarn_gpt_oss_truncate_false) {
  Rope r = make(150000, RopeScalingKind::Yarn, 32);
  r.scaling.original_max_position = 4096;
  r.scaling.truncate = false;
  auto f = rope_frequencies(r, 64, 131072);
  const auto want = yarn_reference(150000, 64, 32, 32, 1, 4096, false);
  for (size_t i = 0; i < want.size(); ++i) BOOST_TEST(f.inv_freq[i] == want[i], tt::tolerance(1e-12));
  // By hand: low = 64 ln(4096 / 64 pi) / (2 ln 150000) = 8.09, high = 64 ln(4096 / 2 pi) / (2 ln 150000) = 17.40.
  BOOST_TEST(f.inv_freq[8] == base_freq(150000, 64, 8));  // below low: pure extrapolation
  BOOST_TEST(f.inv_freq[18] == base_freq(150000, 64, 18) / 32, tt::tolerance(1e-14));
  BOOST_TEST(f.inv_freq[9] < base_freq(150000, 64, 9));  // 9 > 8.09: already on the ramp
  BOOST_TEST(f.attention_factor == 0.1 * std::log(32.0) + 1, tt::tolerance(1e-15));  // 1.3466
}

BOOST_AUTO_TEST_CASE(yarn_truncated_ramp_pinned) {
  Rope r = make(150000, RopeScalingKind::Yarn, 32);
  r.scaling.original_max_position = 4096;
  auto f = rope_frequencies(r, 64, 131072);
  // Truncated range [8, 18]: i = 13 sits half-way, i = 8 is pure extrapolation.
  const double b13 = base_freq(150000, 64, 13);
  BOOST_TEST(f.inv_freq[13] == 0.5 * b13 / 32 + 0.5 * b13, tt::tolerance(1e-14));
  BOOST_TEST(f.inv_freq[8] == base_freq(150000, 64, 8));
  const auto want = yarn_reference(150000, 64, 32, 32, 1, 4096, true);
  for (size_t i = 0; i < want.size(); ++i) BOOST_TEST(f.inv_freq[i] == want[i], tt::tolerance(1e-12));
  // Falls back to max_position when no original context is given.
  r.scaling.original_max_position = 0;
  auto g = rope_frequencies(r, 64, 4096);
  for (size_t i = 0; i < want.size(); ++i) BOOST_TEST(g.inv_freq[i] == want[i], tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(yarn_deepseek_mscale) {
  Rope r = make(10000, RopeScalingKind::Yarn, 40);
  r.scaling.original_max_position = 4096;
  r.scaling.beta_fast = 32;
  r.scaling.beta_slow = 1;
  r.scaling.mscale = 1.0;
  r.scaling.mscale_all_dim = 1.0;
  BOOST_TEST(rope_frequencies(r, 64, 163840).attention_factor == 1.0);  // V3: equal mscales cancel
  r.scaling.mscale = 0.707;
  const double want = (0.0707 * std::log(40.0) + 1) / (0.1 * std::log(40.0) + 1);
  BOOST_TEST(rope_frequencies(r, 64, 163840).attention_factor == want, tt::tolerance(1e-14));
  r.scaling.attention_factor = 0.5;  // explicit value wins
  BOOST_TEST(rope_frequencies(r, 64, 163840).attention_factor == 0.5);
  BOOST_TEST(yarn_get_mscale(1.0, 5.0) == 1.0);
  BOOST_TEST(yarn_get_mscale(std::exp(1.0), 1.0) == 1.1, tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(table_is_cos_sin_times_attention_factor) {
  Rope r = make(150000, RopeScalingKind::Yarn, 32);
  r.scaling.original_max_position = 4096;
  RopeTable t = rope_table(r, 64, 300, 131072);
  BOOST_TEST(t.cos.size() == 300u * 32);
  for (int64_t p : {0, 1, 17, 299})
    for (int64_t i : {0, 5, 31}) {
      const double a = p * t.inv_freq[i];
      BOOST_TEST(t.cos[p * 32 + i] == std::cos(a) * t.attention_factor, tt::tolerance(1e-6));
      BOOST_TEST(t.sin[p * 32 + i] == std::sin(a) * t.attention_factor, tt::tolerance(1e-6));
    }
  BOOST_TEST(t.cos[0] == static_cast<float>(t.attention_factor));  // position 0: cos 1, sin 0
  BOOST_TEST(t.sin[0] == 0.0f);
}

BOOST_AUTO_TEST_CASE(invalid_parameters_throw) {
  BOOST_CHECK_THROW(rope_frequencies(make(10000, RopeScalingKind::None, 1), 5, 0), Error);
  BOOST_CHECK_THROW(rope_frequencies(make(10000, RopeScalingKind::Linear, 0), 4, 0), Error);
  BOOST_CHECK_THROW(rope_frequencies(make(10000, RopeScalingKind::Llama3, 8), 4, 0), Error);  // no original
  BOOST_CHECK_THROW(rope_frequencies(make(10000, RopeScalingKind::Yarn, 8), 4, 0), Error);    // no context
}

BOOST_AUTO_TEST_SUITE_END()
