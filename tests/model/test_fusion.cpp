// Fusion changes the calls, not the numbers: for every -mini preset (and the HF fixtures of the
// families whose attention the fused q|k|v covers), a prefill and decode steps run with the
// backend's fusion on and off (`--kernel fuse=off`) give bit-identical logits on the CPU
// backend (the fused q|k|v linear computes each output row's dot product as the separate ones
// do; add_norm runs add then norm), the fused decode step issues fewer calls, and the greedy
// token picked on the backend (Model::forward_greedy) is greedy_token of the downloaded logits.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "counting_backend.hpp"
#include "generate/sampler.hpp"
#include "model/random_source.hpp"
#include "parity_support.hpp"
#include "presets/preset_catalog.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

struct Run {
  std::vector<std::vector<float>> logits;  // prefill's last row, then each decode step's
  CallCounts decode_calls;                 // of the first decode step
  std::vector<int32_t> greedy;             // forward_greedy of one more decode step
};

Run run(CountingBackend& be, const ModelConfig& c, const ModelWeights& w, bool fuse) {
  be.set_fuse(fuse);
  Model model(be, c, w);
  PagedKvCache cache(be, c, small_cache());
  const int64_t s = cache.add_sequence();
  std::vector<int32_t> prompt(9);
  for (int32_t i = 0; i < 9; ++i) prompt[i] = static_cast<int32_t>((5 * i + 2) % c.vocab_size);
  Run r;
  r.logits.push_back(model.forward_host(cache, {{s, prompt}}, LogitRows::LastPerSequence));
  for (int32_t step = 0; step < 3; ++step) {
    if (step == 0) be.count_into(&r.decode_calls);
    r.logits.push_back(
        model.forward_host(cache, {{s, {static_cast<int32_t>((11 * step + 3) % c.vocab_size)}}}));
    be.count_into(nullptr);
  }
  r.greedy = model.forward_greedy(cache, {{s, {1}}});
  return r;
}

int64_t total(const CallCounts& c) {
  int64_t n = 0;
  for (const auto& [name, count] : c) n += count;
  return n;
}

void check(const ModelConfig& c, const ModelWeights& w, Backend& inner, const std::string& name) {
  BOOST_TEST_CONTEXT(name) {
    CountingBackend be(inner);
    const Run fused = run(be, c, w, true), apart = run(be, c, w, false);
    BOOST_TEST_REQUIRE(fused.logits.size() == apart.logits.size());
    for (size_t i = 0; i < fused.logits.size(); ++i)
      BOOST_TEST(fused.logits[i] == apart.logits[i], boost::test_tools::per_element());
    BOOST_TEST(total(fused.decode_calls) < total(apart.decode_calls));
    BOOST_TEST(fused.decode_calls.count("argmax") == 0u);
    // The greedy step on the backend against the host's pick from the same step's logits.
    CountingBackend be2(inner);
    be2.set_fuse(true);
    Model model(be2, c, w);
    PagedKvCache cache(be2, c, small_cache());
    const int64_t s = cache.add_sequence();
    model.forward_host(cache, {{s, {3, 1, 4, 1, 5}}}, LogitRows::LastPerSequence);
    std::vector<float> next = model.forward_host(cache, {{s, {9}}});
    BOOST_TEST(fused.greedy == apart.greedy);
    // Same cache state (prompt, then 9) in a fresh pair of steps for forward_greedy.
    PagedKvCache cache2(be2, c, small_cache());
    const int64_t s2 = cache2.add_sequence();
    model.forward_host(cache2, {{s2, {3, 1, 4, 1, 5}}}, LogitRows::LastPerSequence);
    CallCounts greedy_calls;
    be2.count_into(&greedy_calls);
    const std::vector<int32_t> ids = model.forward_greedy(cache2, {{s2, {9}}});
    be2.count_into(nullptr);
    BOOST_TEST_REQUIRE(ids.size() == 1u);
    BOOST_TEST(ids[0] == greedy_token(next));
    BOOST_TEST(greedy_calls["argmax"] == 1);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fusion)

BOOST_AUTO_TEST_CASE(mini_presets_same_logits_with_fusion_on_and_off) {
  cpu::CpuBackend be(2);
  int64_t presets = 0;
  for (const std::string& n : preset_names(ARCHSCOPE_PRESETS)) {
    if (n.size() <= 5 || n.compare(n.size() - 5, 5, "-mini") != 0) continue;
    const ModelConfig c = load_preset(n, ARCHSCOPE_PRESETS);
    RandomInitOptions o;
    o.seed = 3;
    const ModelWeights w = random_weights(be, c, o);
    check(c, w, be, n);
    ++presets;
  }
  BOOST_TEST(presets >= 15);
}

BOOST_AUTO_TEST_CASE(hf_fixtures_same_logits_with_fusion_on_and_off) {
  cpu::CpuBackend be(2);
  for (const char* family : {"llama", "qwen3", "qwen3_next", "gpt2", "gpt_oss", "gemma3_text"}) {
    const Fixture f = load_fixture(family);
    const ModelWeights w = load_hf_weights(be, f.config, fixture_dir(family), Elem::F32);
    check(f.config, w, be, family);
  }
}

BOOST_AUTO_TEST_CASE(greedy_on_the_backend_reports_a_nan_logit_like_the_host_sampler) {
  cpu::CpuBackend be(2);
  ModelConfig c = load_preset("llama3-mini", ARCHSCOPE_PRESETS);
  RandomInitOptions o;
  o.seed = 4;
  ModelWeights w = random_weights(be, c, o);
  // A NaN in the final norm's weight makes every logit NaN: the host sampler's error, token 0.
  std::vector<float> norm(static_cast<size_t>(c.d_model), 1.0f);
  norm[3] = std::nanf("");
  w.final_norm = be.alloc(Elem::F32, {c.d_model});
  be.upload(be.default_stream(), norm.data(), w.final_norm);
  Model model(be, c, w);
  PagedKvCache cache(be, c, small_cache());
  const int64_t s = cache.add_sequence();
  const std::vector<float> logits =
      model.forward_host(cache, {{s, {1, 2, 3}}}, LogitRows::LastPerSequence);
  std::string host_error, device_error;
  try {
    greedy_token(logits);
  } catch (const Error& e) {
    host_error = e.message();
  }
  try {
    model.forward_greedy(cache, {{s, {4}}});
  } catch (const Error& e) {
    BOOST_TEST(e.where() == "sampler");
    device_error = e.message();
  }
  BOOST_TEST(!host_error.empty());
  BOOST_TEST(device_error == host_error);
}

BOOST_AUTO_TEST_SUITE_END()
