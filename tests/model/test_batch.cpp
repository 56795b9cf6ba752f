// Batching: sequences of different lengths prefilled together and then decoded together give the
// logits each gives alone (same cache, paged blocks interleaved between the sequences).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "parity_support.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

double max_abs_diff(const float* a, const float* b, size_t n) {
  double m = 0.0;
  for (size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(static_cast<double>(a[i]) - b[i]));
  return m;
}

// Runs prompts of 20 and 9 tokens batched, then 6 batched decode steps, against each alone.
void check_batch(const std::string& family) {
  const Fixture f = load_fixture(family);
  cpu::CpuBackend be(2);
  const ModelWeights w = load_hf_weights(be, f.config, fixture_dir(family), Elem::F32);
  Model model(be, f.config, w);
  const size_t V = static_cast<size_t>(f.config.vocab_size);
  const std::vector<int32_t> a(f.tokens.begin(), f.tokens.begin() + 20), b(f.tokens.begin() + 30, f.tokens.begin() + 39);
  const std::vector<int32_t> next(f.tokens.begin() + 50, f.tokens.begin() + 62);  // 6 steps x 2 sequences

  auto alone = [&](const std::vector<int32_t>& prompt, size_t which) {
    PagedKvCache cache(be, f.config, small_cache());
    const int64_t s = cache.add_sequence();
    std::vector<float> out = model.forward_host(cache, {{s, prompt}});
    for (size_t step = 0; step < 6; ++step) {
      const auto l = model.forward_host(cache, {{s, {next[2 * step + which]}}});
      out.insert(out.end(), l.begin(), l.end());
    }
    return out;
  };
  const auto ra = alone(a, 0), rb = alone(b, 1);

  PagedKvCache cache(be, f.config, small_cache());
  const int64_t sa = cache.add_sequence(), sb = cache.add_sequence();
  const auto pre = model.forward_host(cache, {{sa, a}, {sb, b}});
  double diff = max_abs_diff(pre.data(), ra.data(), a.size() * V);
  diff = std::max(diff, max_abs_diff(pre.data() + a.size() * V, rb.data(), b.size() * V));
  for (size_t step = 0; step < 6; ++step) {
    const auto l = model.forward_host(cache, {{sa, {next[2 * step]}}, {sb, {next[2 * step + 1]}}});
    diff = std::max(diff, max_abs_diff(l.data(), ra.data() + (a.size() + step) * V, V));
    diff = std::max(diff, max_abs_diff(l.data() + V, rb.data() + (b.size() + step) * V, V));
  }
  BOOST_TEST_MESSAGE(family << ": batched vs alone max |diff| " << diff);
  BOOST_TEST(diff <= 1e-5 * f.max_ref);
  cache.free_sequence(sa);
  cache.free_sequence(sb);
  for (int64_t l = 0; l < f.config.n_layers; ++l) BOOST_TEST(cache.blocks_in_use(l) == 0);
}

// One step mixing fresh and cached sequences in the order cached, fresh, cached, fresh: MLA runs
// its naive and absorbed forms over alternating row runs. Every sequence is a prefix of the
// fixture's tokens, so each row is checked against transformers' logits directly.
void check_mixed_step(const std::string& family) {
  const Fixture f = load_fixture(family);
  cpu::CpuBackend be(2);
  const ModelWeights w = load_hf_weights(be, f.config, fixture_dir(family), Elem::F32);
  Model model(be, f.config, w);
  PagedKvCache cache(be, f.config, small_cache());
  const int64_t V = f.config.vocab_size;
  struct Part {
    int64_t cached, count;
  };
  const std::vector<Part> parts = {{20, 1}, {0, 9}, {12, 5}, {0, 1}};
  std::vector<SequenceStep> warm, step;
  for (const Part& p : parts) {
    const int64_t s = cache.add_sequence();
    if (p.cached > 0) warm.push_back({s, std::vector<int32_t>(f.tokens.begin(), f.tokens.begin() + p.cached)});
    step.push_back({s, std::vector<int32_t>(f.tokens.begin() + p.cached, f.tokens.begin() + p.cached + p.count)});
  }
  model.forward(cache, warm);
  const std::vector<float> logits = model.forward_host(cache, step);
  double worst = 0.0;
  int64_t row = 0;
  for (const Part& p : parts) {
    const std::vector<float> rows(logits.begin() + row * V, logits.begin() + (row + p.count) * V);
    worst = std::max(worst, rel_diff(rows, f, p.cached));
    row += p.count;
  }
  BOOST_TEST_MESSAGE(family << ": mixed fresh/cached step vs transformers " << worst << " of max |ref|");
  BOOST_TEST(worst <= 1e-5);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(batching)

// One family per cache kind: full + GQA, sliding, MoE (rows regrouped per expert), MLA (naive
// prefill, absorbed decode), linear attention (per-sequence states), chunked + NoPE.
BOOST_AUTO_TEST_CASE(llama_batch) { check_batch("llama"); }
BOOST_AUTO_TEST_CASE(mistral_batch) { check_batch("mistral"); }
BOOST_AUTO_TEST_CASE(mixtral_batch) { check_batch("mixtral"); }
BOOST_AUTO_TEST_CASE(deepseek_batch) { check_batch("deepseek_v3"); }
BOOST_AUTO_TEST_CASE(qwen3_next_batch) { check_batch("qwen3_next"); }
BOOST_AUTO_TEST_CASE(llama4_batch) { check_batch("llama4_text"); }
BOOST_AUTO_TEST_CASE(deepseek_mixed_step) { check_mixed_step("deepseek_v3"); }
BOOST_AUTO_TEST_CASE(gpt_oss_mixed_step) { check_mixed_step("gpt_oss"); }
BOOST_AUTO_TEST_CASE(qwen3_next_mixed_step) { check_mixed_step("qwen3_next"); }

BOOST_AUTO_TEST_SUITE_END()
