// transformers 4.x and 5.x spell the same model differently; both must import identically.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "hf_test_util.hpp"

using namespace archscope;
using hf_test::load;

BOOST_AUTO_TEST_SUITE(hf_forms)

BOOST_AUTO_TEST_CASE(v5_matches_v4) {
  for (const char* name :
       {"gemma3-27b", "llama3.2-1b", "qwen3-next-80b-a3b", "gpt-oss-20b", "deepseek-v3"}) {
    BOOST_TEST_CONTEXT(name) {
      auto v4 = load(name);
      auto v5 = load(std::string("v5-") + name);
      // Named after model_type and the file (the v5 files may name the text model's own type).
      BOOST_TEST(v4.name.find(std::string(" (") + name + ")") != std::string::npos, v4.name);
      BOOST_TEST(v5.name.find(std::string(" (v5-") + name + ")") != std::string::npos, v5.name);
      v5.name = v4.name;
      v5.family = v4.family;
      BOOST_TEST((v4.position == v5.position));
      BOOST_TEST((v4.attention == v5.attention));
      BOOST_TEST((v4 == v5));
    }
  }
}

BOOST_AUTO_TEST_CASE(rope_scaling_type_and_rope_type_agree) {
  nlohmann::json base = {{"model_type", "llama"},     {"hidden_size", 256},
                         {"num_hidden_layers", 2},    {"num_attention_heads", 4},
                         {"intermediate_size", 512},  {"max_position_embeddings", 4096}};
  auto a = base, b = base;
  a["rope_scaling"] = {{"type", "linear"}, {"factor", 4.0}};
  b["rope_scaling"] = {{"rope_type", "linear"}, {"factor", 4.0}};
  const auto ca = import_hf_config(a);
  BOOST_TEST((ca.position.rope.scaling.kind == RopeScalingKind::Linear));
  BOOST_TEST((ca == import_hf_config(b)));
}

BOOST_AUTO_TEST_CASE(every_supported_fixture_validates) {
  for (const char* name :
       {"deepseek-v3", "kimi-k2", "olmo2-7b", "olmo2-32b", "gemma3-27b", "gemma3-1b",
        "mistral-small-3.1-24b", "llama4-maverick", "llama4-scout", "qwen3-0.6b", "qwen3-8b",
        "qwen3-30b-a3b", "qwen3-235b-a22b", "qwen3-next-80b-a3b", "smollm3-3b", "gpt-oss-20b",
        "gpt-oss-120b", "glm-4.5", "glm-4.5-air", "llama3-8b", "llama3.2-1b", "mixtral-8x7b"}) {
    BOOST_TEST_CONTEXT(name) { BOOST_CHECK_NO_THROW(validate(load(name))); }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hf_transformers5_fixtures)

// The reference fixtures were saved by transformers 5.17 (tests/fixtures/hf/*/config.json): every
// one must import, and Qwen3-MoE's expert count arrives as num_local_experts there.
BOOST_AUTO_TEST_CASE(every_reference_fixture_config_imports) {
  namespace fs = std::filesystem;
  int seen = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(ARCHSCOPE_FIXTURES) / "hf")) {
    const fs::path config = entry.path() / "config.json";
    if (!fs::exists(config)) continue;
    BOOST_TEST_CONTEXT(config.string()) {
      const archscope::ModelConfig c = archscope::import_hf_config_file(config);
      BOOST_TEST(c.n_layers > 0);
      if (entry.path().filename() == "qwen3_moe") BOOST_TEST(c.moe.experts == 4);
    }
    ++seen;
  }
  BOOST_TEST(seen == 16);  // 13 families + gpt2, gemma3_softcap, gemma2
}

BOOST_AUTO_TEST_SUITE_END()
