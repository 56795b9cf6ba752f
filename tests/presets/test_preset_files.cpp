// Every shipped preset loads and validates, the minis are small, and bench-1b has the figures its
// documentation promises.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <set>

#include "plan/analysis.hpp"
#include "plan/plan.hpp"
#include "preset_test_util.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(preset_files)

// The sixteen families the minis cover; a missing or renamed mini is a regression.
const std::set<std::string> kMiniFamilies = {
    "deepseek-v3", "kimi-k2", "olmo2",    "gemma3",  "mistral",  "llama4",
    "qwen3",       "qwen3-moe", "qwen3-next", "smollm3", "gpt-oss", "glm4.5",
    "llama3",      "mixtral", "grok2",    "gpt2"};

BOOST_AUTO_TEST_CASE(every_preset_loads_and_validates) {
  const auto infos = list_presets(presets_dir());
  BOOST_TEST(infos.size() >= kMiniFamilies.size() + 1);
  for (const PresetInfo& info : infos) {
    BOOST_TEST_CONTEXT(info.name) {
      const ModelConfig c = load_preset(info.name, presets_dir());
      BOOST_CHECK_NO_THROW(validate(c));
      BOOST_TEST(c.name == info.name);  // the name inside matches the file stem
      BOOST_TEST(!c.family.empty());
      BOOST_TEST(!c.source.empty());
      BOOST_TEST(info.params_total > 0u);
      BOOST_TEST(info.params_active <= info.params_total);
    }
  }
}

BOOST_AUTO_TEST_CASE(one_mini_per_family) {
  std::set<std::string> families;
  for (const auto& [name, c] : mini_presets()) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(name == c.family + "-mini");
      families.insert(c.family);
    }
  }
  BOOST_TEST(families == kMiniFamilies, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(minis_are_small) {
  for (const PresetInfo& info : list_presets(presets_dir())) {
    if (!is_mini(info.name)) continue;
    BOOST_TEST_CONTEXT(info.name) {
      const ModelConfig c = load_preset(info.name, presets_dir());
      BOOST_TEST(info.params_total < 30'000'000u);
      BOOST_TEST(c.d_model >= 64);
      BOOST_TEST(c.d_model <= 256);
      BOOST_TEST(c.n_layers <= 8);
      BOOST_TEST(c.vocab_size <= 2048);
      if (c.moe.experts > 0) {
        BOOST_TEST(c.moe.experts >= 4);
        BOOST_TEST(c.moe.experts <= 16);
      }
      // A 64-token prefill within 2 GFLOP: 0.2 s even at 10 GFLOP/s, a twentieth of the 2-core
      // FP32 rate measured for cpu-generic, so a forward pass stays well under a second.
      AnalysisOptions options;
      options.context = 64;
      BOOST_TEST(summarize(c, options).flops.prefill_total < 2'000'000'000u);
      // Windows short enough that a sequence of a few dozen tokens crosses them.
      if (c.attention.sliding_window > 0) BOOST_TEST(c.attention.sliding_window <= 32);
      if (c.attention.chunk_size > 0) BOOST_TEST(c.attention.chunk_size <= 32);
    }
  }
}

BOOST_AUTO_TEST_CASE(bench_1b_figures) {
  const ModelConfig c = load_preset("bench-1b", presets_dir());
  BOOST_TEST(c.family == "bench");
  BOOST_TEST(c.n_layers == 16);
  BOOST_TEST(c.d_model == 2048);
  BOOST_TEST(c.vocab_size == 32000);
  BOOST_TEST(!c.tied_embeddings);
  BOOST_TEST((c.ffn.kind == FfnKind::SwiGlu));
  BOOST_TEST(c.ffn.d_ff == 8192);
  BOOST_TEST(c.attention.heads == 32);
  BOOST_TEST(c.attention.kv_heads == 8);
  BOOST_TEST(c.attention.head_dim == 64);
  BOOST_TEST(c.attention.pattern == LayerPattern<AttentionKind>{AttentionKind::Full});
  BOOST_TEST(c.position.pattern == LayerPattern<PositionKind>{PositionKind::Rope});
  BOOST_TEST(c.position.rope.theta == 500000.0);
  BOOST_TEST((c.position.rope.scaling.kind == RopeScalingKind::None));
  BOOST_TEST((c.norm.kind == NormKind::RmsNorm));
  BOOST_TEST(c.norm.eps == 1e-5);
  BOOST_TEST(c.moe.experts == 0);

  // By hand: embeddings and head 2 * 32000 * 2048; per layer q, o 2048^2 each, k, v 2048 * 512
  // each, SwiGLU 3 * 2048 * 8192, two norms of 2048; plus the final norm.
  const uint64_t per_layer = 2 * 2048ull * 2048 + 2 * 2048ull * 512 + 3 * 2048ull * 8192 + 2 * 2048;
  const uint64_t expected = 2 * 32000ull * 2048 + 16 * per_layer + 2048;
  const PlanTotals t = totals(build_plan(c, PlanOptions{}));
  BOOST_TEST(t.params == expected);
  BOOST_TEST(t.params_active == expected);
}

BOOST_AUTO_TEST_SUITE_END()
