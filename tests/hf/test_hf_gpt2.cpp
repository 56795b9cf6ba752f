// GPT-2: its own field names (n_embd, n_layer, n_positions, n_inner, activation_function,
// layer_norm_epsilon) and fixed architecture (learned positions, LayerNorm with bias, biased
// fused c_attn / c_proj, plain GELU MLP with biases, tied head) must import as the ModelConfig
// that tests/plan/official_configs.hpp spells out by hand, with HF's parameter count.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <string>

#include "common/error.hpp"
#include "hf_test_util.hpp"
#include "plan/analysis.hpp"
#include "plan/official_configs.hpp"

using namespace archscope;

namespace {

nlohmann::json official() { return nlohmann::json::parse(std::ifstream(hf_test::fixture("gpt2"))); }

ModelConfig import(const nlohmann::json& j) { return import_hf_config(j, "config.json"); }

// The imported config with the hand-written one's descriptive fields, so == compares the rest.
ModelConfig named_like_official(ModelConfig c) {
  const ModelConfig o = test::gpt2_small();
  c.name = o.name;
  c.family = o.family;
  c.source = o.source;
  return c;
}

Error import_error(const nlohmann::json& j) {
  try {
    import(j);
  } catch (const Error& e) {
    return e;
  }
  BOOST_FAIL("import did not throw");
  return Error(ErrorKind::Internal, "", "");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hf_gpt2)

BOOST_AUTO_TEST_CASE(official_config_matches_hand_written_and_hf_param_count) {
  const ModelConfig c = hf_test::load("gpt2");
  BOOST_TEST(c.d_model == 768);
  BOOST_TEST(c.n_layers == 12);
  BOOST_TEST(c.attention.heads == 12);
  BOOST_TEST(c.attention.head_dim == 64);
  BOOST_TEST(c.max_context == 1024);
  BOOST_TEST(c.ffn.d_ff == 3072);  // n_inner null
  BOOST_TEST((c.ffn.kind == FfnKind::Gelu));
  BOOST_TEST(c.ffn.gelu_tanh);  // gelu_new
  BOOST_TEST((c.position.pattern == LayerPattern<PositionKind>{PositionKind::Learned}));
  BOOST_TEST((c.norm.kind == NormKind::LayerNorm));
  BOOST_TEST(c.norm.bias);
  BOOST_TEST(c.tied_embeddings);
  BOOST_TEST((named_like_official(c) == test::gpt2_small()));

  const Analysis a = summarize(c, AnalysisOptions{});
  BOOST_TEST(a.params.total == 124439808u);  // HF GPT2LMHeadModel.num_parameters()
  BOOST_TEST(a.params.embedding == (50257u + 1024u) * 768u);
}

BOOST_AUTO_TEST_CASE(omitted_fields_take_gpt2_config_defaults) {
  // GPT2Config() is the 124M model; a config.json holding only the type describes it too.
  const ModelConfig c = import({{"model_type", "gpt2"}});
  BOOST_TEST((named_like_official(c) == test::gpt2_small()));
}

BOOST_AUTO_TEST_CASE(n_inner_activation_scale_and_untied_head) {
  auto j = official();
  j["n_inner"] = 1000;
  j["activation_function"] = "gelu";
  j["scale_attn_weights"] = false;
  j["tie_word_embeddings"] = false;
  j["layer_norm_epsilon"] = 1e-6;
  ModelConfig c = import(j);
  BOOST_TEST(c.ffn.d_ff == 1000);
  BOOST_TEST((c.ffn.kind == FfnKind::Gelu));
  BOOST_TEST(!c.ffn.gelu_tanh);
  BOOST_TEST(c.attention.scale == 1.0);  // no 1/sqrt(head_dim) division
  BOOST_TEST(!c.tied_embeddings);
  BOOST_TEST(c.norm.eps == 1e-6);
  j["activation_function"] = "relu";
  BOOST_TEST((import(j).ffn.kind == FfnKind::Relu));
  j["scale_attn_weights"] = true;
  BOOST_TEST(import(j).attention.scale == 0.0);  // the default 1/sqrt(head_dim)
}

BOOST_AUTO_TEST_CASE(unsupported_variants_are_refused_by_key) {
  auto j = official();
  j["activation_function"] = "quick_gelu";
  Error e = import_error(j);
  BOOST_TEST((e.kind() == ErrorKind::Unsupported));
  BOOST_TEST(e.where() == "config.json: activation_function");

  j = official();
  j["scale_attn_by_inverse_layer_idx"] = true;
  e = import_error(j);
  BOOST_TEST((e.kind() == ErrorKind::Unsupported));
  BOOST_TEST(e.where() == "config.json: scale_attn_by_inverse_layer_idx");

  j = official();
  j["add_cross_attention"] = true;
  BOOST_TEST(import_error(j).where() == "config.json: add_cross_attention");

  j = official();
  j["n_head"] = 7;  // 768 / 7 is no whole head_dim
  e = import_error(j);
  BOOST_TEST(e.where() == "config.json: n_head");

  j = official();
  j["n_positions"] = 0;
  BOOST_TEST(import_error(j).where() == "config.json: n_positions");
}

BOOST_AUTO_TEST_SUITE_END()
