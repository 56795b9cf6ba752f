#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "config/config_json.hpp"
#include "config_test_util.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

std::string with_attention_pattern(const std::string& pattern_json) {
  return R"({"format": "archscope.model/1", "vocab_size": 100, "d_model": 32, "n_layers": 8,
    "attention": {"heads": 2, "kv_heads": 1, "head_dim": 16, "sliding_window": 64, "chunk_size": 64,
                  "pattern": )" +
         pattern_json + R"(}, "ffn": {"d_ff": 64}})";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(config_patterns)

BOOST_AUTO_TEST_CASE(gemma3_pattern_repeats_and_is_cut) {
  const ModelConfig c =
      load_config_file(std::filesystem::path(ARCHSCOPE_FIXTURES) / "config" / "gemma3_like.json");
  BOOST_TEST(c.attention.pattern.size() == 6u);
  const auto layers = expand_layers(c);
  BOOST_REQUIRE(layers.size() == 62u);
  for (const LayerSpec& l : layers) {
    const bool full = l.index % 6 == 5;  // 5, 11, ..., 59
    BOOST_TEST_CONTEXT("layer " << l.index) {
      BOOST_TEST((l.attention == (full ? AttentionKind::Full : AttentionKind::Sliding)));
      BOOST_TEST(l.window == (full ? 0 : 1024));
      // Local layers use the 10k local rope, global ones the scaled 1M rope.
      BOOST_TEST(l.rope == (full ? &c.position.rope : &*c.position.rope_local));
    }
  }
  BOOST_TEST((layers[59].attention == AttentionKind::Full));
  BOOST_TEST((layers[60].attention == AttentionKind::Sliding));
  BOOST_TEST((layers[61].attention == AttentionKind::Sliding));
}

BOOST_AUTO_TEST_CASE(runs_are_compacted_on_save) {
  ModelConfig c = small_dense();
  c.n_layers = 12;
  c.attention.sliding_window = 512;
  c.attention.pattern = {AttentionKind::Sliding, AttentionKind::Sliding, AttentionKind::Sliding,
                         AttentionKind::Sliding, AttentionKind::Sliding, AttentionKind::Full};
  c.position.pattern = {PositionKind::Rope, PositionKind::Rope, PositionKind::Rope,
                        PositionKind::NoPe};
  const nlohmann::json j = config_to_json(c);
  BOOST_TEST(j["attention"]["pattern"] == nlohmann::json({"sliding*5", "full"}));
  BOOST_TEST(j["position"]["pattern"] == nlohmann::json({"rope*3", "nope"}));
  BOOST_TEST((config_from_json(j) == c));
}

BOOST_AUTO_TEST_CASE(explicit_per_layer_list_is_kept) {
  const ModelConfig c = config_from_text(
      with_attention_pattern(R"(["full", "sliding", "sliding", "full", "chunked", "full*2", "sliding"])"));
  BOOST_REQUIRE(c.attention.pattern.size() == 8u);
  BOOST_TEST((c.attention.pattern[4] == AttentionKind::Chunked));
  BOOST_TEST(config_to_json(c)["attention"]["pattern"] ==
             nlohmann::json({"full", "sliding*2", "full", "chunked", "full*2", "sliding"}));
}

BOOST_AUTO_TEST_CASE(pattern_longer_than_the_model_is_cut) {
  const ModelConfig c = config_from_text(with_attention_pattern(R"(["full*8", "sliding*4"])"));
  for (const LayerSpec& l : expand_layers(c)) BOOST_TEST((l.attention == AttentionKind::Full));
}

BOOST_AUTO_TEST_CASE(bad_pattern_entries) {
  const struct {
    const char* pattern;
    const char* where;
    const char* reason;
  } cases[] = {
      {R"(["sliding*0"])", "attention.pattern[0]", "repeat count must be at least 1"},
      {R"(["full", "sliding*x"])", "attention.pattern[1]", "bad repeat count in 'sliding*x'"},
      {R"(["sliding*"])", "attention.pattern[0]", "bad repeat count"},
      {R"(["sliding*-2"])", "attention.pattern[0]", "bad repeat count"},
      {R"(["sliding*99999999999999999999999"])", "attention.pattern[0]", "exceeds the layer limit"},
      {R"(["sliding*60000", "full*60000"])", "attention.pattern", "expands to more than"},
      {R"(["slidng*5"])", "attention.pattern[0]",
       "unknown attention kind 'slidng'; expected one of full, sliding, chunked, mla, linear"},
      {R"([])", "attention.pattern", "must list at least one layer kind"},
      {R"(["full", 3])", "attention.pattern[1]", "expected a string, got 3"},
      {R"("sliding*5")", "attention.pattern", "expected an array"},
  };
  for (const auto& t : cases) {
    BOOST_TEST_CONTEXT(t.pattern) {
      const auto e = error_of([&] { config_from_text(with_attention_pattern(t.pattern)); });
      BOOST_REQUIRE(e.has_value());
      BOOST_TEST(e->where() == t.where);
      BOOST_TEST(contains(e->message(), t.reason), "message: " << e->message());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
