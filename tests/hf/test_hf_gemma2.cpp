// Gemma 2: Gemma 3's skeleton without q/k norms, with both logit soft-caps applied, and
// Gemma2Config's defaults (caps on when the keys are absent, off when null).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "common/error.hpp"
#include "hf_test_util.hpp"

using namespace archscope;

namespace {

nlohmann::json tiny() {
  return {{"model_type", "gemma2"}, {"hidden_size", 256},       {"num_hidden_layers", 4},
          {"num_attention_heads", 4}, {"num_key_value_heads", 2}, {"intermediate_size", 512},
          {"head_dim", 64},           {"query_pre_attn_scalar", 16}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hf_gemma2)

BOOST_AUTO_TEST_CASE(caps_default_on_and_null_switches_off) {
  auto j = tiny();
  ModelConfig c = import_hf_config(j);
  BOOST_TEST(c.attention.softcap == 50.0);
  BOOST_TEST(c.final_softcap == 30.0);
  BOOST_TEST(c.attention.scale == 0.25);  // 1 / sqrt(query_pre_attn_scalar)
  BOOST_TEST((c.attention.qk_norm == QkNormKind::None));
  BOOST_TEST((c.norm.kind == NormKind::RmsNormPlusOne));
  BOOST_TEST((c.norm.placement == NormPlacement::Sandwich));
  BOOST_TEST(c.embedding_scale == 16.0);
  BOOST_TEST(c.tied_embeddings);
  BOOST_TEST((c.ffn.kind == FfnKind::GeGlu));
  // No layer_types: sliding on even layers, full on odd ones, window 4096.
  BOOST_TEST((c.attention.pattern == LayerPattern<AttentionKind>{AttentionKind::Sliding, AttentionKind::Full}));
  BOOST_TEST(c.attention.sliding_window == 4096);
  BOOST_TEST(!c.position.rope_local.has_value());

  j["attn_logit_softcapping"] = nullptr;
  j["final_logit_softcapping"] = 20.0;
  c = import_hf_config(j);
  BOOST_TEST(c.attention.softcap == 0.0);
  BOOST_TEST(c.final_softcap == 20.0);
}

BOOST_AUTO_TEST_CASE(bidirectional_attention_is_refused) {
  auto j = tiny();
  j["use_bidirectional_attention"] = true;
  try {
    import_hf_config(j, "config.json");
    BOOST_FAIL("import did not throw");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Unsupported));
    BOOST_TEST(e.where() == "config.json: use_bidirectional_attention");
  }
}

BOOST_AUTO_TEST_SUITE_END()
