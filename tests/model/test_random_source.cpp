// The seeded generator's values against its formula (random_source.hpp), recomputed here in long
// double from a reference SplitMix64 checked against its published outputs, whatever the split into
// pieces or threads; the bf16/fp16 path against the builder's rounding of the fp32 values; and the
// distribution's moments within their sampling error.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>

#include "model/host_convert.hpp"
#include "model/random_source.hpp"

using namespace archscope;

namespace {

// SplitMix64 as in Vigna's splitmix64.c: x += 0x9e3779b97f4a7c15, then the mix; the n-th output.
uint64_t reference_splitmix(uint64_t state, uint64_t n) {
  uint64_t z = 0;
  for (uint64_t i = 0; i < n; ++i) {
    state += 0x9e3779b97f4a7c15ull;
    z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
  }
  return z;
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Value i of a Gaussian tensor by the header's formula (Marsaglia's polar method on pair i / 2),
// in long double, from the reference SplitMix64.
long double expected_normal(uint64_t seed, const std::string& name, int64_t i, long double mean,
                            long double sd) {
  const uint64_t key = seed * 0x100000001b3ull ^ fnv1a(name);
  const uint64_t k = reference_splitmix(key, static_cast<uint64_t>(i) / 2 + 1);
  for (uint64_t a = 0;; ++a) {
    const long double x = 2.0L * static_cast<long double>(reference_splitmix(k, 2 * a + 1) >> 11) /
                              9007199254740992.0L -
                          1.0L;
    const long double y = 2.0L * static_cast<long double>(reference_splitmix(k, 2 * a + 2) >> 11) /
                              9007199254740992.0L -
                          1.0L;
    const long double s = x * x + y * y;
    if (s <= 0.0L || s >= 1.0L) continue;
    const long double f = std::sqrt(-2.0L * std::log(s) / s);
    return mean + sd * (i % 2 == 0 ? x : y) * f;
  }
}

// The generator evaluates in double and rounds once to float: within one float ulp of the exact
// value (half an ulp from the rounding, plus double's ~1e-16 relative error, which can move a
// value sitting at a rounding midpoint to the neighbouring float).
void check_close(float got, long double want) {
  const float lo = std::nextafter(static_cast<float>(want), -INFINITY);
  const float hi = std::nextafter(static_cast<float>(want), INFINITY);
  BOOST_TEST((got >= lo && got <= hi), "got " << got << " want " << static_cast<double>(want));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(random_source)

BOOST_AUTO_TEST_CASE(splitmix_matches_the_published_sequence) {
  // splitmix64.c seeded with 0: e220a8397b1dcdaf 6e789e6aa1b965f4 06c45d188009454f f88bb8a8724c81ec
  BOOST_TEST(random_detail::splitmix64_at(0, 1) == 0xe220a8397b1dcdafull);
  BOOST_TEST(random_detail::splitmix64_at(0, 2) == 0x6e789e6aa1b965f4ull);
  BOOST_TEST(random_detail::splitmix64_at(0, 3) == 0x06c45d188009454full);
  BOOST_TEST(random_detail::splitmix64_at(0, 4) == 0xf88bb8a8724c81ecull);
  for (uint64_t key : {1ull, 0x123456789abcdefull})
    for (uint64_t n : {1ull, 7ull, 1000ull})
      BOOST_TEST(random_detail::splitmix64_at(key, n) == reference_splitmix(key, n));
}

BOOST_AUTO_TEST_CASE(values_follow_the_formula_in_any_split) {
  RandomInitOptions o;
  o.seed = 11;
  RandomWeightSource src(o);
  // 3 Mi values: several threads per block, rows of 1536.
  const TensorRequest m{"layers.3.mlp.down_proj.weight", {2048, 1536}, TensorRole::Matrix, 1536};
  const std::vector<float> whole = src.read(m);
  const long double sd = 1.0L / std::sqrt(1536.0L);
  for (int64_t i : {int64_t{0}, int64_t{1}, int64_t{2}, int64_t{1535}, int64_t{1536},
                    int64_t{1048577}, int64_t{2048} * 1536 - 1})
    check_close(whole[static_cast<size_t>(i)], expected_normal(11, m.name, i, 0.0L, sd));
  for (int64_t max_values : {int64_t{1536}, int64_t{1} << 20, int64_t{5000}}) {
    std::vector<float> parts;
    src.read_chunked(m, max_values, [&](const float* v, int64_t n) {
      BOOST_TEST_REQUIRE(n % 1536 == 0);
      BOOST_TEST_REQUIRE(n <= std::max<int64_t>(max_values, 1536));
      parts.insert(parts.end(), v, v + n);
    });
    BOOST_TEST((parts == whole));
  }
  // A norm weight (mean 1, std 0.02) and A_log = ln U(1, 16).
  const TensorRequest norm{"layers.0.input_layernorm.weight", {96}, TensorRole::Norm, 0};
  const std::vector<float> nw = src.read(norm);
  for (int64_t i : {0, 5, 95})
    check_close(nw[static_cast<size_t>(i)], expected_normal(11, norm.name, i, 1.0L, 0.02L));
  const TensorRequest alog{"layers.0.linear_attn.A_log", {8}, TensorRole::DecayLog, 0};
  const std::vector<float> al = src.read(alog);
  const uint64_t key = 11 * 0x100000001b3ull ^ fnv1a(alog.name);
  for (int64_t i = 0; i < 8; ++i) {
    const uint64_t a = reference_splitmix(key, static_cast<uint64_t>(i) + 1);
    check_close(al[static_cast<size_t>(i)],
                std::log(1.0L + 15.0L * static_cast<long double>(a >> 11) / 9007199254740992.0L));
  }
}

BOOST_AUTO_TEST_CASE(a_tensor_past_one_block_is_the_same_in_pieces) {
  // 17 Mi values: two of the generator's 16 Mi blocks.
  RandomInitOptions o;
  o.seed = 2;
  RandomWeightSource src(o);
  const TensorRequest e{"embed_tokens.weight", {17 * 1024, 1024}, TensorRole::Embedding, 1024};
  const std::vector<float> whole = src.read(e);
  std::vector<float> parts;
  parts.reserve(whole.size());
  src.read_chunked(e, int64_t{1} << 20,
                   [&](const float* v, int64_t n) { parts.insert(parts.end(), v, v + n); });
  BOOST_TEST((parts == whole));
  const int64_t last = static_cast<int64_t>(whole.size()) - 1;
  for (int64_t i : {int64_t{16} << 20, (int64_t{16} << 20) + 1, last})
    check_close(whole[static_cast<size_t>(i)], expected_normal(2, e.name, i, 0.0L, 1.0L));
  // Moments within five standard errors: mean 0 (se 1/sqrt(N)), variance 1 (se sqrt(2/N)),
  // P(|z| < 1) = erf(1/sqrt(2)) (se sqrt(p(1-p)/N)).
  const double n = static_cast<double>(whole.size());
  double sum = 0.0, sq = 0.0, inside = 0.0;
  for (float v : whole) {
    sum += v;
    sq += static_cast<double>(v) * v;
    inside += std::fabs(v) < 1.0f ? 1.0 : 0.0;
  }
  const double mean = sum / n, var = sq / n - mean * mean, p = std::erf(1.0 / std::sqrt(2.0));
  BOOST_TEST(std::fabs(mean) < 5.0 / std::sqrt(n));
  BOOST_TEST(std::fabs(var - 1.0) < 5.0 * std::sqrt(2.0 / n));
  BOOST_TEST(std::fabs(inside / n - p) < 5.0 * std::sqrt(p * (1.0 - p) / n));
}

BOOST_AUTO_TEST_CASE(half_values_are_the_builders_rounding) {
  for (bool heavy : {false, true}) {
    RandomInitOptions o;
    o.seed = 4;
    o.heavy_tailed = heavy;
    RandomWeightSource src(o);
    const TensorRequest m{"layers.1.self_attn.q_proj.weight", {700, 640}, TensorRole::Matrix, 640};
    const std::vector<float> f = src.read(m);
    for (Elem e : {Elem::BF16, Elem::F16}) {
      std::vector<uint16_t> got;
      const bool stored = src.read_stored(m, e, 64 * 640 + 5, [&](const void* v, int64_t n) {
        BOOST_TEST_REQUIRE(n % 640 == 0);
        BOOST_TEST_REQUIRE(n <= 64 * 640 + 5);
        const auto* h = static_cast<const uint16_t*>(v);
        got.insert(got.end(), h, h + n);
      });
      BOOST_TEST_REQUIRE(stored);
      BOOST_TEST((got == model_detail::to_half(f, e)));
    }
    BOOST_TEST(!src.read_stored(m, Elem::F32, 1 << 20, [](const void*, int64_t) {}));
  }
}

BOOST_AUTO_TEST_SUITE_END()
