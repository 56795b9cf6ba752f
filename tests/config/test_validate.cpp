#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <limits>
#include <vector>

#include "config_test_util.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

ModelConfig mla_model() {
  ModelConfig c = small_dense();
  c.attention.pattern = {AttentionKind::Mla};
  c.attention.head_dim = 0;
  c.attention.mla = {32, 16, 16, 8, 16};
  return c;
}

ModelConfig linear_model() {
  ModelConfig c = small_dense();
  c.attention.pattern = {AttentionKind::Linear, AttentionKind::Full};
  c.attention.linear = {2, 4, 16, 16, 4};
  return c;
}

ModelConfig moe_model() {
  ModelConfig c = small_dense();
  c.moe.experts = 8;
  c.moe.top_k = 2;
  c.moe.expert_d_ff = 64;
  return c;
}

struct Rule {
  const char* name;
  ModelConfig (*base)();
  void (*broken)(ModelConfig&);
  const char* path;
  const char* reason;  // a part of the message
};

const std::vector<Rule> kRules = {
    {"vocab", small_dense, [](ModelConfig& c) { c.vocab_size = 0; }, "vocab_size",
     "must be positive, got 0"},
    {"d_model", small_dense, [](ModelConfig& c) { c.d_model = -5; }, "d_model",
     "must be positive, got -5"},
    {"n_layers", small_dense, [](ModelConfig& c) { c.n_layers = 0; }, "n_layers", "must be positive"},
    {"n_layers limit", small_dense, [](ModelConfig& c) { c.n_layers = int64_t{1} << 40; },
     "n_layers", "exceeds the limit 65536"},
    {"max_context", small_dense, [](ModelConfig& c) { c.max_context = -1; }, "max_context",
     "must not be negative"},
    {"embedding_scale", small_dense, [](ModelConfig& c) { c.embedding_scale = 0; },
     "embedding_scale", "must be positive"},
    {"logit_scale nan", small_dense,
     [](ModelConfig& c) { c.logit_scale = std::numeric_limits<double>::quiet_NaN(); },
     "logit_scale", "must be a finite number, got nan"},
    {"final_softcap", small_dense, [](ModelConfig& c) { c.final_softcap = -1; }, "final_softcap",
     "must not be negative"},
    {"mtp", small_dense, [](ModelConfig& c) { c.mtp_layers = -1; }, "mtp_layers",
     "must not be negative"},
    {"norm eps", small_dense, [](ModelConfig& c) { c.norm.eps = 0; }, "norm.eps", "must be positive"},
    {"norm bias", small_dense, [](ModelConfig& c) { c.norm.bias = true; }, "norm.bias",
     "only layernorm has a bias"},
    {"empty attention pattern", small_dense, [](ModelConfig& c) { c.attention.pattern.clear(); },
     "attention.pattern", "at least one"},
    {"empty position pattern", small_dense, [](ModelConfig& c) { c.position.pattern.clear(); },
     "position.pattern", "at least one"},
    {"heads", small_dense, [](ModelConfig& c) { c.attention.heads = 0; }, "attention.heads",
     "must be positive"},
    {"kv_heads zero", small_dense, [](ModelConfig& c) { c.attention.kv_heads = 0; },
     "attention.kv_heads", "must be positive"},
    {"kv_heads divides", small_dense,
     [](ModelConfig& c) { c.attention.heads = 32, c.attention.kv_heads = 3; }, "attention.kv_heads",
     "3 does not divide heads 32"},
    {"head_dim", small_dense, [](ModelConfig& c) { c.attention.head_dim = 0; },
     "attention.head_dim", "must be positive"},
    {"attention softcap", small_dense, [](ModelConfig& c) { c.attention.softcap = -1; },
     "attention.softcap", "must not be negative"},
    {"attention scale", small_dense, [](ModelConfig& c) { c.attention.scale = -0.5; },
     "attention.scale", "must not be negative"},
    {"sliding window", small_dense,
     [](ModelConfig& c) { c.attention.pattern = {AttentionKind::Sliding, AttentionKind::Full}; },
     "attention.sliding_window", "must be positive"},
    {"chunk size", small_dense,
     [](ModelConfig& c) { c.attention.pattern = {AttentionKind::Chunked}; },
     "attention.chunk_size", "must be positive"},
    {"mla kv_lora_rank", mla_model, [](ModelConfig& c) { c.attention.mla.kv_lora_rank = 0; },
     "attention.mla.kv_lora_rank", "must be positive"},
    {"mla rope dim", mla_model, [](ModelConfig& c) { c.attention.mla.qk_rope_head_dim = 0; },
     "attention.mla.qk_rope_head_dim", "must be positive"},
    {"mla v dim", mla_model, [](ModelConfig& c) { c.attention.mla.v_head_dim = 0; },
     "attention.mla.v_head_dim", "must be positive"},
    {"mla nope dim", mla_model, [](ModelConfig& c) { c.attention.mla.qk_nope_head_dim = -1; },
     "attention.mla.qk_nope_head_dim", "must not be negative"},
    {"mla q rank", mla_model, [](ModelConfig& c) { c.attention.mla.q_lora_rank = -1; },
     "attention.mla.q_lora_rank", "must not be negative"},
    {"mla head dims", mla_model, [](ModelConfig& c) { c.attention.head_dim = 16; },
     "attention.head_dim", "head dims inconsistent with MLA ranks"},
    {"linear heads", linear_model, [](ModelConfig& c) { c.attention.linear.key_heads = 0; },
     "attention.linear.key_heads", "must be positive"},
    {"linear conv", linear_model, [](ModelConfig& c) { c.attention.linear.conv_kernel = 0; },
     "attention.linear.conv_kernel", "must be positive"},
    {"linear divides", linear_model, [](ModelConfig& c) { c.attention.linear.key_heads = 3; },
     "attention.linear.key_heads", "3 does not divide value_heads 4"},
    {"temperature floor", small_dense,
     [](ModelConfig& c) { c.attention.temperature_tuning.floor_scale = 0; },
     "attention.temperature_tuning.floor_scale", "must be positive"},
    {"learned needs context", small_dense,
     [](ModelConfig& c) { c.position.pattern = {PositionKind::Learned}, c.max_context = 0; },
     "max_context", "must be positive"},
    {"learned mixed", small_dense,
     [](ModelConfig& c) { c.position.pattern = {PositionKind::Learned, PositionKind::Rope}; },
     "position.pattern", "learned positions"},
    {"theta", small_dense, [](ModelConfig& c) { c.position.rope.theta = 0; }, "position.rope.theta",
     "must be positive"},
    {"partial zero", small_dense, [](ModelConfig& c) { c.position.rope.partial_rotary = 0; },
     "position.rope.partial_rotary", "must be in (0, 1]"},
    {"partial above one", small_dense, [](ModelConfig& c) { c.position.rope.partial_rotary = 1.5; },
     "position.rope.partial_rotary", "must be in (0, 1]"},
    {"odd rotated dims", small_dense, [](ModelConfig& c) { c.attention.head_dim = 18, c.position.rope.partial_rotary = 0.5; },
     "position.rope.partial_rotary", "rotates 9 of head_dim 18"},
    {"odd mla rope dims", mla_model, [](ModelConfig& c) { c.attention.mla.qk_rope_head_dim = 7; },
     "position.rope.partial_rotary", "rotates 7 of qk_rope_head_dim 7"},
    {"local rope theta", small_dense,
     [](ModelConfig& c) {
       c.position.rope_local = Rope{};
       c.position.rope_local->theta = -1;
     },
     "position.rope_local.theta", "must be positive"},
    {"local rope dims", small_dense,
     [](ModelConfig& c) {
       c.attention.pattern = {AttentionKind::Sliding};
       c.attention.sliding_window = 128;
       c.position.rope_local = Rope{};
       c.position.rope_local->partial_rotary = 0.125;  // 2 of 16: fine for the global rope ...
       c.position.rope.partial_rotary = 0.1;           // ... and this one is unused
       c.attention.head_dim = 8;                       // now 1 of 8 rotates
     },
     "position.rope_local.partial_rotary", "rotates 1 of head_dim 8"},
    {"scaling factor", small_dense, [](ModelConfig& c) { c.position.rope.scaling.factor = 0; },
     "position.rope.scaling.factor", "must be positive"},
    {"llama3 original", small_dense,
     [](ModelConfig& c) { c.position.rope.scaling.kind = RopeScalingKind::Llama3; },
     "position.rope.scaling.original_max_position", "must be positive"},
    {"yarn original", small_dense,
     [](ModelConfig& c) { c.position.rope.scaling.kind = RopeScalingKind::Yarn; },
     "position.rope.scaling.original_max_position", "must be positive"},
    {"llama3 freq factors", small_dense,
     [](ModelConfig& c) {
       c.position.rope.scaling = {RopeScalingKind::Llama3, 8.0, 8192, 4.0, 2.0};
     },
     "position.rope.scaling.high_freq_factor", "must be at least low_freq_factor 4.0, got 2.0"},
    {"yarn betas", small_dense,
     [](ModelConfig& c) {
       c.position.rope.scaling.kind = RopeScalingKind::Yarn;
       c.position.rope.scaling.original_max_position = 4096;
       c.position.rope.scaling.beta_fast = 0.5;
     },
     "position.rope.scaling.beta_fast", "must be at least beta_slow 1.0, got 0.5"},
    {"yarn mscale", small_dense, [](ModelConfig& c) { c.position.rope.scaling.mscale = -1; },
     "position.rope.scaling.mscale", "must not be negative"},
    {"d_ff dense", small_dense, [](ModelConfig& c) { c.ffn.d_ff = 0; }, "ffn.d_ff",
     "must be positive"},
    {"d_ff with first_dense", moe_model,
     [](ModelConfig& c) { c.ffn.d_ff = 0, c.moe.first_dense = 1; }, "ffn.d_ff", "must be positive"},
    {"clamp", small_dense, [](ModelConfig& c) { c.ffn.clamp_limit = 0; }, "ffn.clamp_limit",
     "must be positive"},
    {"experts negative", small_dense, [](ModelConfig& c) { c.moe.experts = -1; }, "moe.experts",
     "must not be negative"},
    {"top_k without experts", small_dense, [](ModelConfig& c) { c.moe.top_k = 2; }, "moe.top_k",
     "but moe.experts is 0"},
    {"top_k zero", moe_model, [](ModelConfig& c) { c.moe.top_k = 0; }, "moe.top_k",
     "must be in [1, experts 8], got 0"},
    {"top_k too big", moe_model, [](ModelConfig& c) { c.moe.top_k = 9; }, "moe.top_k",
     "must be in [1, experts 8], got 9"},
    {"expert_d_ff", moe_model, [](ModelConfig& c) { c.moe.expert_d_ff = 0; }, "moe.expert_d_ff",
     "must be positive"},
    {"shared negative", moe_model, [](ModelConfig& c) { c.moe.shared_experts = -1; },
     "moe.shared_experts", "must not be negative"},
    {"shared_d_ff", moe_model, [](ModelConfig& c) { c.moe.shared_experts = 1; }, "moe.shared_d_ff",
     "must be positive"},
    {"shared gate", moe_model, [](ModelConfig& c) { c.moe.shared_gate = true; }, "moe.shared_gate",
     "moe.shared_experts is 0"},
    {"groups zero", moe_model, [](ModelConfig& c) { c.moe.groups = 0; }, "moe.groups",
     "must be positive"},
    {"groups divide", moe_model, [](ModelConfig& c) { c.moe.groups = 3; }, "moe.groups",
     "3 does not divide experts 8"},
    {"top_groups zero", moe_model, [](ModelConfig& c) { c.moe.top_groups = 0; }, "moe.top_groups",
     "must be positive"},
    {"top_groups above groups", moe_model,
     [](ModelConfig& c) { c.moe.groups = 2, c.moe.top_groups = 3; }, "moe.top_groups",
     "3 exceeds groups 2"},
    {"top_k above eligible", moe_model,
     [](ModelConfig& c) { c.moe.groups = 4, c.moe.top_groups = 1, c.moe.top_k = 3; }, "moe.top_k",
     "3 exceeds the 2 experts in the top 1 groups"},
    {"interleave", moe_model, [](ModelConfig& c) { c.moe.interleave = 0; }, "moe.interleave",
     "must be positive"},
    {"first_dense", moe_model, [](ModelConfig& c) { c.moe.first_dense = -1; }, "moe.first_dense",
     "must not be negative"},
    {"dense layer range", moe_model, [](ModelConfig& c) { c.moe.dense_layers = {0, 4}; },
     "moe.dense_layers[1]", "layer 4 outside [0, n_layers 4)"},
    {"dense layer negative", moe_model, [](ModelConfig& c) { c.moe.dense_layers = {-1}; },
     "moe.dense_layers[0]", "outside"},
    {"dense layer twice", moe_model, [](ModelConfig& c) { c.moe.dense_layers = {1, 1}; },
     "moe.dense_layers[1]", "listed twice"},
    {"routed scaling", moe_model, [](ModelConfig& c) { c.moe.routed_scaling = 0; },
     "moe.routed_scaling", "must be positive"},
    {"no moe layer", moe_model, [](ModelConfig& c) { c.moe.first_dense = 4; }, "moe.experts",
     "leave no MoE layer"},
    {"size limit", small_dense, [](ModelConfig& c) { c.d_model = int64_t{1} << 50; }, "d_model",
     "exceeds the limit"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(config_validate)

BOOST_AUTO_TEST_CASE(bases_are_valid) {
  for (auto base : {small_dense, mla_model, linear_model, moe_model}) {
    BOOST_CHECK_NO_THROW(validate(base()));
  }
  BOOST_CHECK_NO_THROW(validate(rich()));
}

BOOST_AUTO_TEST_CASE(every_rule_names_its_path_and_reason) {
  for (const Rule& rule : kRules) {
    BOOST_TEST_CONTEXT("rule " << rule.name) {
      ModelConfig c = rule.base();
      rule.broken(c);
      const auto e = error_of([&] { validate(c); });
      BOOST_REQUIRE(e.has_value());
      BOOST_TEST((e->kind() == ErrorKind::Validation));
      BOOST_TEST(e->where() == rule.path);
      BOOST_TEST(contains(e->message(), rule.reason), "message: " << e->message());
    }
  }
}

BOOST_AUTO_TEST_CASE(rules_only_apply_to_layers_that_exist) {
  // Pattern entries cut away at n_layers do not count: 2 layers of a 6-entry pattern are sliding.
  ModelConfig c = small_dense();
  c.n_layers = 2;
  c.attention.pattern = {AttentionKind::Full, AttentionKind::Full, AttentionKind::Chunked};
  BOOST_CHECK_NO_THROW(validate(c));  // chunk_size 0 is fine: no chunked layer exists
  c.n_layers = 3;
  BOOST_TEST(error_of([&] { validate(c); }).value().where() == "attention.chunk_size");
}

BOOST_AUTO_TEST_CASE(equal_scaling_bounds_are_valid) {
  // Llama 4 Scout ships low_freq_factor == high_freq_factor, Kimi K2 beta_fast == beta_slow.
  ModelConfig c = small_dense();
  c.position.rope.scaling = {RopeScalingKind::Llama3, 16.0, 8192, 1.0, 1.0};
  BOOST_CHECK_NO_THROW(validate(c));
  c.position.rope.scaling = {RopeScalingKind::Yarn, 32.0, 4096};
  c.position.rope.scaling.beta_fast = c.position.rope.scaling.beta_slow = 1.0;
  BOOST_CHECK_NO_THROW(validate(c));
}

BOOST_AUTO_TEST_CASE(pure_moe_model_needs_no_dense_width) {
  ModelConfig c = small_dense();
  c.moe.experts = 8;
  c.moe.top_k = 2;
  c.moe.expert_d_ff = 64;
  c.ffn.d_ff = 0;
  BOOST_CHECK_NO_THROW(validate(c));
}

BOOST_AUTO_TEST_CASE(mla_head_dim_may_be_zero_or_the_sum) {
  ModelConfig c = mla_model();
  c.attention.head_dim = 24;  // 16 + 8
  BOOST_CHECK_NO_THROW(validate(c));
}

BOOST_AUTO_TEST_CASE(expand_layers_validates_first) {
  ModelConfig c = small_dense();
  c.attention.pattern.clear();
  BOOST_TEST(error_of([&] { expand_layers(c); }).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
