// Sliding-window perplexity against a direct float64 computation of the definition: a scripted
// model whose next-token distribution is a known function of the window it sees, so the reference
// log-probabilities are computed here independently of the engine's code path, window by window
// as Hugging Face's perplexity guide lays them out.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>
#include <sstream>
#include <vector>

#include "common/error.hpp"
#include "generate/generation.hpp"
#include "generate/perplexity.hpp"

using namespace archscope;

namespace {
constexpr int64_t kVocab = 7;

// Logit of token v after a context (window start .. p): a function of the context length inside
// the window, the sum of the context and v, so it differs between windows.
double logit(int64_t context_len, int64_t context_sum, int64_t v, double scale) {
  return scale * std::sin(0.7 * static_cast<double>(v) + 0.3 * static_cast<double>(context_sum) +
                          0.11 * static_cast<double>(context_len));
}

class WindowModel final : public StepModel {
 public:
  explicit WindowModel(double scale) : scale_(scale) {}
  int64_t vocab_size() const override { return kVocab; }
  int64_t add_sequence() override {
    state_[next_] = {0, 0};
    return next_++;
  }
  void free_sequence(int64_t seq) override { state_.erase(seq); }
  void prefill(int64_t seq, std::span<const int32_t> tokens, bool all_rows,
               std::vector<float>& logits) override {
    BOOST_TEST(all_rows);
    logits.clear();
    auto& [len, sum] = state_[seq];
    for (int32_t t : tokens) {
      ++len;
      sum += t;
      for (int64_t v = 0; v < kVocab; ++v)
        logits.push_back(static_cast<float>(logit(len, sum, v, scale_)));
    }
    ++prefills;
  }
  void decode(std::span<const int64_t>, std::span<const int32_t>, std::vector<float>&) override {
    BOOST_FAIL("perplexity never decodes");
  }
  int prefills = 0;

 private:
  double scale_;
  int64_t next_ = 0;
  std::map<int64_t, std::pair<int64_t, int64_t>> state_;
};

// log p(v | context) in float64 from the same (float32-rounded) logits the model returns.
std::vector<double> log_probs(int64_t len, int64_t sum, double scale) {
  std::vector<double> x(kVocab);
  double m = -1e300;
  for (int64_t v = 0; v < kVocab; ++v)
    m = std::max(m, x[v] = static_cast<double>(static_cast<float>(logit(len, sum, v, scale))));
  double z = 0;
  for (double a : x) z += std::exp(a - m);
  for (double& a : x) a -= m + std::log(z);
  return x;
}

std::vector<int32_t> sequence(int64_t n) {
  std::vector<int32_t> t;
  for (int64_t i = 0; i < n; ++i) t.push_back(static_cast<int32_t>((i * 5 + 3) % kVocab));
  return t;
}

// The guide's loop, written out: window [begin, end), labels before end - trg_len masked, the
// first label dropped by the shift; returns (NLL sum, count, KL sum, KL max).
struct Reference {
  double nll = 0, kl_sum = 0, kl_max = 0;
  int64_t count = 0;
};
Reference reference(const std::vector<int32_t>& t, int64_t context, int64_t stride, double scale,
                    double ref_scale) {
  Reference r;
  const int64_t n = static_cast<int64_t>(t.size());
  int64_t prev_end = 0;
  for (int64_t begin = 0; begin < n; begin += stride) {
    const int64_t end = std::min(begin + context, n), trg_len = end - prev_end;
    for (int64_t j = begin + 1; j < end; ++j) {  // label j, predicted from [begin, j)
      if (j < end - trg_len) continue;
      int64_t sum = 0;
      for (int64_t k = begin; k < j; ++k) sum += t[k];
      const auto lp = log_probs(j - begin, sum, scale), ref = log_probs(j - begin, sum, ref_scale);
      r.nll -= lp[t[j]];
      double kl = 0;
      for (int64_t v = 0; v < kVocab; ++v) kl += std::exp(ref[v]) * (ref[v] - lp[v]);
      r.kl_sum += kl;
      r.kl_max = std::max(r.kl_max, kl);
      ++r.count;
    }
    prev_end = end;
    if (end == n) break;
  }
  return r;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(perplexity)

BOOST_AUTO_TEST_CASE(windows_follow_the_guide) {
  const auto w = perplexity_windows(10, {.context = 4, .stride = 2, .chunk = 128});
  // begin 0: end 4, all scored but the first; then each window adds two new tokens.
  BOOST_TEST_REQUIRE(w.size() == 4u);
  BOOST_TEST(w[0].begin == 0);
  BOOST_TEST(w[0].end == 4);
  BOOST_TEST(w[0].first_scored == 1);
  BOOST_TEST(w[1].begin == 2);
  BOOST_TEST(w[1].first_scored == 4);
  BOOST_TEST(w[3].begin == 6);
  BOOST_TEST(w[3].end == 10);
  BOOST_TEST(w[3].first_scored == 8);
  // Non-overlapping windows: the first token of each has no context and is not scored.
  const auto d = perplexity_windows(10, {.context = 5, .stride = 5, .chunk = 128});
  BOOST_TEST_REQUIRE(d.size() == 2u);
  BOOST_TEST(d[1].first_scored == 6);
  BOOST_CHECK_THROW(perplexity_windows(10, {.context = 1, .stride = 1, .chunk = 8}), Error);
  BOOST_CHECK_THROW(perplexity_windows(10, {.context = 4, .stride = 5, .chunk = 8}), Error);
}

BOOST_AUTO_TEST_CASE(matches_the_definition_window_by_window) {
  const std::vector<int32_t> t = sequence(37);
  for (const auto& [context, stride] :
       std::vector<std::pair<int64_t, int64_t>>{{8, 3}, {8, 8}, {64, 32}, {5, 1}, {2, 1}}) {
    for (const int64_t chunk : {int64_t{3}, int64_t{128}}) {
      WindowModel model(2.0), ref(1.5);
      std::ostringstream err;
      ProgressLine progress(err, false);
      const PerplexityResult r =
          compute_perplexity(model, &ref, t, {.context = context, .stride = stride, .chunk = chunk},
                             progress, steady_seconds);
      const Reference want = reference(t, context, stride, 2.0, 1.5);
      BOOST_TEST(r.scored == want.count);
      // Same float32 logits, both sides float64: only summation order differs (~1e-15 relative).
      BOOST_TEST(std::abs(r.nll_sum - want.nll) <= 1e-12 * want.nll);
      BOOST_TEST(std::abs(r.perplexity - std::exp(want.nll / static_cast<double>(want.count))) <=
                 1e-12 * r.perplexity);
      BOOST_TEST_REQUIRE(r.kl.has_value());
      BOOST_TEST(std::abs(r.kl->mean - want.kl_sum / static_cast<double>(want.count)) <= 1e-12);
      BOOST_TEST(std::abs(r.kl->max - want.kl_max) <= 1e-12);
    }
  }
}

BOOST_AUTO_TEST_CASE(kl_against_itself_is_zero) {
  const std::vector<int32_t> t = sequence(20);
  WindowModel model(2.0), same(2.0);
  std::ostringstream err;
  ProgressLine progress(err, false);
  const auto r = compute_perplexity(model, &same, t, {.context = 6, .stride = 3, .chunk = 4},
                                    progress, steady_seconds);
  BOOST_TEST(r.kl->mean == 0.0);
  BOOST_TEST(r.kl->max == 0.0);
  BOOST_TEST(r.scored == 19);
}

BOOST_AUTO_TEST_CASE(bad_input) {
  WindowModel model(1.0);
  std::ostringstream err;
  ProgressLine progress(err, false);
  BOOST_CHECK_THROW(compute_perplexity(model, nullptr, {3}, {.context = 4, .stride = 2, .chunk = 8},
                                       progress, steady_seconds),
                    Error);
  BOOST_CHECK_THROW(
      compute_perplexity(model, nullptr, {3, 7}, {.context = 4, .stride = 2, .chunk = 8}, progress,
                         steady_seconds),
      Error);
  BOOST_TEST(model.prefills == 0);
}

BOOST_AUTO_TEST_SUITE_END()
