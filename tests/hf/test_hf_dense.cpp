// Dense families: the quirks each config.json carries must land in the right ModelConfig field.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <fstream>

#include "hf_test_util.hpp"

using namespace archscope;
using hf_test::at;
using hf_test::load;

BOOST_AUTO_TEST_SUITE(hf_dense)

BOOST_AUTO_TEST_CASE(llama3_8b) {
  const auto c = load("llama3-8b");
  BOOST_TEST(c.d_model == 4096);
  BOOST_TEST(c.n_layers == 32);
  BOOST_TEST(c.vocab_size == 128256);
  BOOST_TEST(c.max_context == 8192);
  BOOST_TEST(c.attention.heads == 32);
  BOOST_TEST(c.attention.kv_heads == 8);
  BOOST_TEST(c.attention.head_dim == 128);
  BOOST_TEST(c.ffn.d_ff == 14336);
  BOOST_TEST((c.ffn.kind == FfnKind::SwiGlu));
  BOOST_TEST(c.position.rope.theta == 500000.0);
  BOOST_TEST((c.position.rope.scaling.kind == RopeScalingKind::None));
  BOOST_TEST(c.norm.eps == 1e-5);
  BOOST_TEST(!c.tied_embeddings);
  BOOST_TEST(c.moe.experts == 0);
}

BOOST_AUTO_TEST_CASE(llama32_1b_llama3_rope_and_tied) {
  const auto c = load("llama3.2-1b");
  BOOST_TEST(c.tied_embeddings);
  BOOST_TEST(c.attention.head_dim == 64);
  const auto& s = c.position.rope.scaling;
  BOOST_TEST((s.kind == RopeScalingKind::Llama3));
  BOOST_TEST(s.factor == 32.0);
  BOOST_TEST(s.original_max_position == 8192);
  BOOST_TEST(s.low_freq_factor == 1.0);
  BOOST_TEST(s.high_freq_factor == 4.0);
  BOOST_TEST(c.max_context == 131072);
}

BOOST_AUTO_TEST_CASE(mistral_small_text_config_null_window) {
  const auto c = load("mistral-small-3.1-24b");
  BOOST_TEST(c.d_model == 5120);
  BOOST_TEST(c.n_layers == 40);
  BOOST_TEST(c.attention.head_dim == 128);  // not 5120 / 32
  BOOST_TEST(c.vocab_size == 131072);
  BOOST_TEST(c.position.rope.theta == 1e9);
  BOOST_TEST(c.attention.pattern.size() == 1u);
  BOOST_TEST((c.attention.pattern[0] == AttentionKind::Full));  // sliding_window: null
  BOOST_TEST(!c.attention.qkv_bias);
}

BOOST_AUTO_TEST_CASE(mistral_window_set_means_sliding) {
  nlohmann::json j = {{"model_type", "mistral"}, {"hidden_size", 256},
                      {"num_hidden_layers", 2},  {"num_attention_heads", 4},
                      {"intermediate_size", 512}, {"sliding_window", 4096}};
  const auto c = import_hf_config(j);
  BOOST_TEST((c.attention.pattern[0] == AttentionKind::Sliding));
  BOOST_TEST(c.attention.sliding_window == 4096);
}

BOOST_AUTO_TEST_CASE(olmo2_post_norm_projection_qk_norm) {
  for (const char* name : {"olmo2-7b", "olmo2-32b"}) {
    const auto c = load(name);
    BOOST_TEST((c.norm.placement == NormPlacement::Post));
    BOOST_TEST((c.attention.qk_norm == QkNormKind::Projection));
    BOOST_TEST(c.position.rope.theta == 500000.0);
    BOOST_TEST(c.norm.eps == 1e-6);
    BOOST_TEST(c.vocab_size == 100352);
  }
  BOOST_TEST(load("olmo2-32b").attention.kv_heads == 8);
}

BOOST_AUTO_TEST_CASE(qwen3_per_head_qk_norm_and_head_dim) {
  const auto small = load("qwen3-0.6b");
  BOOST_TEST((small.attention.qk_norm == QkNormKind::PerHead));
  BOOST_TEST(small.attention.head_dim == 128);  // 1024 / 16 would be 64
  BOOST_TEST(small.tied_embeddings);
  BOOST_TEST(!small.attention.qkv_bias);
  BOOST_TEST((small.attention.pattern[0] == AttentionKind::Full));  // use_sliding_window false
  const auto big = load("qwen3-8b");
  BOOST_TEST(!big.tied_embeddings);
  BOOST_TEST(big.n_layers == 36);
  BOOST_TEST(big.max_context == 40960);
}

BOOST_AUTO_TEST_CASE(gemma3_27b_nested_text_config) {
  const auto c = load("gemma3-27b");
  BOOST_TEST(c.d_model == 5376);
  BOOST_TEST(c.n_layers == 62);
  BOOST_TEST(c.vocab_size == 262208);  // Gemma3TextConfig default; the file omits it
  BOOST_TEST(c.max_context == 131072);
  BOOST_TEST((c.norm.kind == NormKind::RmsNormPlusOne));
  BOOST_TEST((c.norm.placement == NormPlacement::Sandwich));
  BOOST_TEST(c.embedding_scale == std::sqrt(5376.0));
  BOOST_TEST(c.attention.scale == 1.0 / std::sqrt(168.0));
  BOOST_TEST((c.attention.qk_norm == QkNormKind::PerHead));
  BOOST_TEST((c.ffn.kind == FfnKind::GeGlu));
  BOOST_TEST(c.ffn.gelu_tanh);
  BOOST_TEST(c.tied_embeddings);
  BOOST_TEST(c.attention.sliding_window == 1024);
  BOOST_TEST(c.attention.pattern.size() == 6u);
  for (int64_t i = 0; i < 6; ++i) {
    BOOST_TEST((at(c.attention.pattern, i) ==
                (i == 5 ? AttentionKind::Full : AttentionKind::Sliding)));
  }
  BOOST_TEST(c.position.rope.theta == 1e6);
  BOOST_TEST((c.position.rope.scaling.kind == RopeScalingKind::Linear));
  BOOST_TEST(c.position.rope.scaling.factor == 8.0);
  BOOST_REQUIRE(c.position.rope_local.has_value());
  BOOST_TEST(c.position.rope_local->theta == 10000.0);
  BOOST_TEST((c.position.rope_local->scaling.kind == RopeScalingKind::None));
  BOOST_TEST(c.final_softcap == 0.0);
  BOOST_TEST(c.attention.softcap == 0.0);
}

BOOST_AUTO_TEST_CASE(gemma3_1b_flat_text_model) {
  const auto c = load("gemma3-1b");
  BOOST_TEST(c.attention.kv_heads == 1);
  BOOST_TEST(c.attention.head_dim == 256);
  BOOST_TEST(c.attention.sliding_window == 512);
  BOOST_TEST(c.attention.scale == 1.0 / 16.0);
  BOOST_TEST(c.vocab_size == 262144);
  BOOST_TEST((c.position.rope.scaling.kind == RopeScalingKind::None));
}

BOOST_AUTO_TEST_CASE(gemma_softcaps_when_present) {
  nlohmann::json j = {{"model_type", "gemma3_text"}, {"hidden_size", 256},
                      {"num_hidden_layers", 6},       {"num_attention_heads", 4},
                      {"intermediate_size", 512},     {"head_dim", 64},
                      {"final_logit_softcapping", 30.0}, {"attn_logit_softcapping", 50.0}};
  const auto c = import_hf_config(j);
  BOOST_TEST(c.final_softcap == 30.0);
  // HF's Gemma3Attention ignores attn_logit_softcapping (fixture hf/gemma3_softcap), so do we.
  BOOST_TEST(c.attention.softcap == 0.0);
}

BOOST_AUTO_TEST_CASE(smollm3_nope_every_fourth_layer) {
  const auto c = load("smollm3-3b");
  BOOST_TEST(c.position.pattern.size() == 4u);
  BOOST_TEST((c.position.pattern[3] == PositionKind::NoPe));
  BOOST_TEST((c.position.pattern[0] == PositionKind::Rope));
  BOOST_TEST(c.tied_embeddings);
  BOOST_TEST(c.position.rope.theta == 5e6);
  // The interval alone gives the same pattern as the explicit list.
  auto j = nlohmann::json::parse(std::ifstream(hf_test::fixture("smollm3-3b")));
  j.erase("no_rope_layers");
  BOOST_TEST((import_hf_config(j).position == c.position));
}

BOOST_AUTO_TEST_SUITE_END()
