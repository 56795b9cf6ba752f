#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "generate/generation.hpp"

using namespace archscope;

namespace {

// A model whose greedy next token is (sum of every token the sequence holds) mod V, so the
// expected output depends on each sequence's whole history and on its own cache only.
class SumModel final : public StepModel {
 public:
  explicit SumModel(int64_t vocab) : vocab_(vocab) {}
  int64_t vocab_size() const override { return vocab_; }
  int64_t add_sequence() override {
    sums_[next_] = 0;
    return next_++;
  }
  void free_sequence(int64_t seq) override { freed.push_back(seq); }
  void prefill(int64_t seq, std::span<const int32_t> tokens, bool all_rows,
               std::vector<float>& logits) override {
    calls.push_back("prefill " + std::to_string(seq) + " x" + std::to_string(tokens.size()));
    BOOST_TEST(!all_rows);
    for (int32_t t : tokens) sums_[seq] += t;
    logits = one_hot(sums_[seq] % vocab_);
  }
  void decode(std::span<const int64_t> seqs, std::span<const int32_t> tokens,
              std::vector<float>& logits) override {
    calls.push_back("decode x" + std::to_string(seqs.size()));
    logits.clear();
    for (size_t i = 0; i < seqs.size(); ++i) {
      sums_[seqs[i]] += tokens[i];
      const auto row = one_hot(sums_[seqs[i]] % vocab_);
      logits.insert(logits.end(), row.begin(), row.end());
    }
  }
  std::vector<std::string> calls;
  std::vector<int64_t> freed;

 private:
  std::vector<float> one_hot(int64_t id) const {
    std::vector<float> row(static_cast<size_t>(vocab_), 0.0f);
    row[static_cast<size_t>(id)] = 5.0f;
    return row;
  }
  int64_t vocab_;
  int64_t next_ = 0;
  std::map<int64_t, int64_t> sums_;
};

std::vector<int32_t> expected(std::vector<int32_t> prompt, int64_t n, int64_t vocab) {
  int64_t sum = 0;
  for (int32_t t : prompt) sum += t;
  std::vector<int32_t> out;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t next = static_cast<int32_t>(sum % vocab);
    out.push_back(next);
    sum += next;
  }
  return out;
}

struct FakeClock {
  double t = 0;
  double operator()() { return t += 0.25; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(generation)

BOOST_AUTO_TEST_CASE(batch_of_different_lengths_keeps_each_history) {
  SumModel model(97);
  GenerationRequest req;
  req.prompts = {{5, 6, 7}, {1}, {90, 80, 70, 60, 50}};
  req.new_tokens = 6;
  req.sampler.temperature = 0.0;
  std::ostringstream err;
  ProgressLine progress(err, false);
  FakeClock clock;
  const GenerationResult r = generate_tokens(model, req, progress, std::ref(clock));
  for (size_t i = 0; i < req.prompts.size(); ++i) {
    BOOST_TEST(r.generated[i] == expected(req.prompts[i], 6, 97));
  }
  BOOST_TEST(model.calls == std::vector<std::string>({"prefill 0 x3", "prefill 1 x1", "prefill 2 x5",
                                                      "decode x3", "decode x3", "decode x3",
                                                      "decode x3", "decode x3"}));
  BOOST_TEST(model.freed == std::vector<int64_t>({0, 1, 2}));
  BOOST_TEST(r.prefill_tokens == 9);
  BOOST_TEST(r.decode_steps == 5);
  BOOST_TEST(r.step_s.size() == 5u);
  BOOST_TEST(r.prefill_s > 0.0);
  BOOST_TEST(r.decode_s > 0.0);
  // Not a terminal: exactly one line per phase.
  const std::string text = err.str();
  BOOST_TEST(text.rfind("prefill: 9/9 tokens", 0) == 0u);
  BOOST_TEST(text.find("\ndecode: 15/15 tokens") != std::string::npos);
  BOOST_TEST(std::count(text.begin(), text.end(), '\n') == 2);
}

BOOST_AUTO_TEST_CASE(bad_ids_fail_before_any_model_call) {
  SumModel model(50);
  GenerationRequest req;
  req.prompts = {{1, 2}, {3, 4, 50}};
  std::ostringstream err;
  ProgressLine progress(err, false);
  try {
    generate_tokens(model, req, progress, steady_seconds);
    BOOST_FAIL("no error");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()) ==
               "sequence 1: token id 50 at position 2 is outside the vocabulary [0, 50)");
  }
  BOOST_TEST(model.calls.empty());
  req.prompts = {{1}, {}};
  BOOST_CHECK_THROW(generate_tokens(model, req, progress, steady_seconds), Error);
  req.prompts = {{1}};
  req.new_tokens = 0;
  BOOST_CHECK_THROW(generate_tokens(model, req, progress, steady_seconds), Error);
  BOOST_TEST(model.calls.empty());
}

BOOST_AUTO_TEST_CASE(one_new_token_needs_no_decode_step) {
  SumModel model(11);
  GenerationRequest req;
  req.prompts = {{3, 4}};
  req.new_tokens = 1;
  req.sampler.temperature = 0.0;
  std::ostringstream err;
  ProgressLine progress(err, false);
  const GenerationResult r = generate_tokens(model, req, progress, steady_seconds);
  BOOST_TEST(r.generated[0] == std::vector<int32_t>({7}));
  BOOST_TEST(r.decode_steps == 0);
  BOOST_TEST(model.calls.size() == 1u);
}

// EOS: a sequence that samples a stop id ends there (it is kept as its last token) and is not fed
// to later decode steps; the others go on. The callback sees every token in generation order.
BOOST_AUTO_TEST_CASE(stop_ids_end_sequences_and_tokens_are_reported_as_chosen) {
  SumModel model(97);
  GenerationRequest req;
  req.prompts = {{5, 6, 7}, {1}};
  req.new_tokens = 6;
  req.sampler.temperature = 0.0;
  const std::vector<int32_t> full0 = expected({5, 6, 7}, 6, 97), full1 = expected({1}, 6, 97);
  req.stop_ids = {full0[2]};  // sequence 0 stops at its third token
  BOOST_TEST_REQUIRE((std::find(full1.begin(), full1.end(), full0[2]) == full1.end()));
  std::vector<std::pair<size_t, int32_t>> seen;
  req.on_token = [&seen](size_t seq, int32_t t) { seen.emplace_back(seq, t); };
  std::ostringstream err;
  ProgressLine progress(err, false);
  const GenerationResult r = generate_tokens(model, req, progress, steady_seconds);
  BOOST_TEST(r.generated[0] == std::vector<int32_t>(full0.begin(), full0.begin() + 3));
  BOOST_TEST(r.generated[1] == full1);
  BOOST_TEST(r.stopped[0]);
  BOOST_TEST(!r.stopped[1]);
  BOOST_TEST(model.calls ==
             std::vector<std::string>({"prefill 0 x3", "prefill 1 x1", "decode x2", "decode x2",
                                       "decode x1", "decode x1", "decode x1"}));
  BOOST_TEST(r.decode_steps == 5);
  BOOST_TEST(r.decode_tokens == 7);
  std::vector<std::pair<size_t, int32_t>> want = {
      {0, full0[0]}, {1, full1[0]}, {0, full0[1]}, {1, full1[1]}, {0, full0[2]}};
  for (size_t k = 2; k < full1.size(); ++k) want.emplace_back(1, full1[k]);
  BOOST_TEST((seen == want));
}

BOOST_AUTO_TEST_CASE(all_sequences_stopped_ends_decoding) {
  SumModel model(11);
  GenerationRequest req;
  req.prompts = {{3, 4}};
  req.new_tokens = 8;
  req.sampler.temperature = 0.0;
  req.stop_ids = {7};  // the first token: (3 + 4) mod 11
  std::ostringstream err;
  ProgressLine progress(err, false);
  const GenerationResult r = generate_tokens(model, req, progress, steady_seconds);
  BOOST_TEST(r.generated[0] == std::vector<int32_t>({7}));
  BOOST_TEST(r.decode_steps == 0);
  BOOST_TEST(model.calls.size() == 1u);
  req.stop_ids = {11};
  BOOST_CHECK_THROW(generate_tokens(model, req, progress, steady_seconds),
                    Error);  // not a token id
}

// Text printed from on_token must not land on the prefill progress line: the first tokens are
// reported only after that line is finished (newline written), every later one as chosen.
BOOST_AUTO_TEST_CASE(first_tokens_are_reported_after_the_prefill_line) {
  SumModel model(97);
  GenerationRequest req;
  req.prompts = {{5, 6, 7}, {1}};
  req.new_tokens = 3;
  req.sampler.temperature = 0.0;
  std::ostringstream err;
  ProgressLine progress(err, /*terminal=*/true);
  std::vector<std::string> err_at_token;
  req.on_token = [&](size_t, int32_t) { err_at_token.push_back(err.str()); };
  generate_tokens(model, req, progress, FakeClock{});
  BOOST_TEST_REQUIRE(err_at_token.size() == 6u);
  for (size_t k = 0; k < 2; ++k) {
    const std::string& e = err_at_token[k];
    BOOST_TEST(e.find("prefill: 4/4 tokens") != std::string::npos, e);
    BOOST_TEST(e.back() == '\n', e);  // the line is ended before any text can follow
    BOOST_TEST(e.find("decode") == std::string::npos, e);
  }
}

// After set_quiet() (the CLI calls it once text streams to the terminal) nothing is drawn.
BOOST_AUTO_TEST_CASE(quiet_progress_draws_nothing_more) {
  SumModel model(97);
  GenerationRequest req;
  req.prompts = {{5, 6, 7}};
  req.new_tokens = 4;
  req.sampler.temperature = 0.0;
  std::ostringstream err;
  ProgressLine progress(err, /*terminal=*/true);
  size_t at_first = 0;
  req.on_token = [&](size_t, int32_t) {
    if (at_first == 0) at_first = err.str().size();
    progress.set_quiet();
  };
  generate_tokens(model, req, progress, FakeClock{});
  BOOST_TEST(at_first > 0u);
  BOOST_TEST(err.str().size() == at_first, err.str());
}

BOOST_AUTO_TEST_SUITE_END()
