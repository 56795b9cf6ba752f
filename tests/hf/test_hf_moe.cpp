// MoE and hybrid families: routing, layer placement, MLA, linear attention, chunked attention.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "hf_test_util.hpp"

using namespace archscope;
using hf_test::at;
using hf_test::load;

BOOST_AUTO_TEST_SUITE(hf_moe)

BOOST_AUTO_TEST_CASE(deepseek_v3_mla_routing_yarn) {
  const auto c = load("deepseek-v3");
  const auto& a = c.attention;
  BOOST_TEST((a.pattern[0] == AttentionKind::Mla));
  BOOST_TEST(a.heads == 128);
  BOOST_TEST(a.head_dim == 192);
  BOOST_TEST(a.mla.q_lora_rank == 1536);
  BOOST_TEST(a.mla.kv_lora_rank == 512);
  BOOST_TEST(a.mla.qk_nope_head_dim == 128);
  BOOST_TEST(a.mla.qk_rope_head_dim == 64);
  BOOST_TEST(a.mla.v_head_dim == 128);
  const auto& r = c.position.rope;
  BOOST_TEST(r.interleaved);
  BOOST_TEST((r.scaling.kind == RopeScalingKind::Yarn));
  BOOST_TEST(r.scaling.factor == 40.0);
  BOOST_TEST(r.scaling.original_max_position == 4096);
  BOOST_TEST(r.scaling.mscale == 1.0);
  BOOST_TEST(r.scaling.mscale_all_dim == 1.0);
  BOOST_TEST(r.scaling.beta_fast == 32.0);
  const auto& m = c.moe;
  BOOST_TEST(m.experts == 256);
  BOOST_TEST(m.top_k == 8);
  BOOST_TEST(m.expert_d_ff == 2048);
  BOOST_TEST(m.shared_experts == 1);
  BOOST_TEST(m.shared_d_ff == 2048);
  BOOST_TEST((m.scoring == RouterScoring::Sigmoid));
  BOOST_TEST(m.selection_bias);
  BOOST_TEST(m.renormalize);
  BOOST_TEST(m.groups == 8);
  BOOST_TEST(m.top_groups == 4);
  BOOST_TEST(m.routed_scaling == 2.5);
  BOOST_TEST(m.first_dense == 3);
  BOOST_TEST(m.interleave == 1);
  BOOST_TEST(m.dense_layers.empty());
  BOOST_TEST(c.ffn.d_ff == 18432);
  BOOST_TEST(c.mtp_layers == 1);
  BOOST_TEST(c.max_context == 163840);
}

BOOST_AUTO_TEST_CASE(deepseek_moe_layer_freq) {
  // modeling_deepseek: MoE iff i >= first_k_dense_replace and i % moe_layer_freq == 0.
  auto j = nlohmann::json::parse(std::ifstream(hf_test::fixture("deepseek-v3")));
  j["num_hidden_layers"] = 8;
  j["first_k_dense_replace"] = 1;
  j["moe_layer_freq"] = 2;
  const auto c = import_hf_config(j);
  for (int64_t i = 0; i < 8; ++i) BOOST_TEST(is_moe_layer(c, i) == (i >= 1 && i % 2 == 0));
}

BOOST_AUTO_TEST_CASE(kimi_k2_is_deepseek_v3_shaped) {
  const auto c = load("kimi-k2");
  BOOST_TEST((c.attention.pattern[0] == AttentionKind::Mla));
  BOOST_TEST(c.attention.heads == 64);
  BOOST_TEST(c.moe.experts == 384);
  BOOST_TEST(c.moe.groups == 1);
  BOOST_TEST(c.moe.first_dense == 1);
  BOOST_TEST(c.moe.routed_scaling == 2.827);
  BOOST_TEST(c.position.rope.theta == 50000.0);
  BOOST_TEST(c.position.rope.scaling.factor == 32.0);
  BOOST_TEST(c.mtp_layers == 0);
}

BOOST_AUTO_TEST_CASE(mixtral_top2_softmax_renormalised) {
  const auto c = load("mixtral-8x7b");
  BOOST_TEST(c.moe.experts == 8);
  BOOST_TEST(c.moe.top_k == 2);
  BOOST_TEST(c.moe.expert_d_ff == 14336);
  BOOST_TEST((c.moe.scoring == RouterScoring::Softmax));
  BOOST_TEST(c.moe.renormalize);
  BOOST_TEST(c.ffn.d_ff == 0);  // every layer is MoE
  BOOST_TEST((c.attention.pattern[0] == AttentionKind::Full));  // sliding_window null
  for (int64_t i = 0; i < c.n_layers; ++i) BOOST_TEST(is_moe_layer(c, i));
}

BOOST_AUTO_TEST_CASE(qwen3_moe_sparse_step_and_mlp_only_layers) {
  const auto c = load("qwen3-30b-a3b");
  BOOST_TEST(c.moe.experts == 128);
  BOOST_TEST(c.moe.top_k == 8);
  BOOST_TEST(c.moe.expert_d_ff == 768);
  BOOST_TEST(c.moe.renormalize);
  BOOST_TEST((c.attention.qk_norm == QkNormKind::PerHead));
  BOOST_TEST(c.ffn.d_ff == 0);
  BOOST_TEST(load("qwen3-235b-a22b").n_layers == 94);

  auto j = nlohmann::json::parse(std::ifstream(hf_test::fixture("qwen3-30b-a3b")));
  j["num_hidden_layers"] = 8;
  j["decoder_sparse_step"] = 2;
  j["mlp_only_layers"] = {3};
  j["norm_topk_prob"] = false;
  const auto v = import_hf_config(j);
  for (int64_t i = 0; i < 8; ++i) BOOST_TEST(is_moe_layer(v, i) == ((i + 1) % 2 == 0 && i != 3));
  BOOST_TEST(!v.moe.renormalize);
  BOOST_TEST(v.ffn.d_ff == 6144);  // dense layers exist now
}

BOOST_AUTO_TEST_CASE(qwen3_next_hybrid) {
  const auto c = load("qwen3-next-80b-a3b");
  BOOST_TEST(c.attention.pattern.size() == 4u);
  for (int64_t i = 0; i < 4; ++i) {
    BOOST_TEST((at(c.attention.pattern, i) ==
                (i == 3 ? AttentionKind::Full : AttentionKind::Linear)));
  }
  const auto& l = c.attention.linear;
  BOOST_TEST(l.key_heads == 16);
  BOOST_TEST(l.value_heads == 32);
  BOOST_TEST(l.key_head_dim == 128);
  BOOST_TEST(l.value_head_dim == 128);
  BOOST_TEST(l.conv_kernel == 4);
  BOOST_TEST(c.attention.output_gate);
  BOOST_TEST((c.attention.qk_norm == QkNormKind::PerHead));
  BOOST_TEST(c.attention.head_dim == 256);
  BOOST_TEST(c.position.rope.partial_rotary == 0.25);
  BOOST_TEST((c.norm.kind == NormKind::RmsNormPlusOne));
  BOOST_TEST(c.moe.experts == 512);
  BOOST_TEST(c.moe.top_k == 10);
  BOOST_TEST(c.moe.shared_experts == 1);
  BOOST_TEST(c.moe.shared_d_ff == 512);
  BOOST_TEST(c.moe.shared_gate);
  BOOST_TEST(c.max_context == 262144);
}

BOOST_AUTO_TEST_CASE(gpt_oss_alternating_sinks_clamped) {
  for (const char* name : {"gpt-oss-20b", "gpt-oss-120b"}) {
    const auto c = load(name);
    const auto& a = c.attention;
    BOOST_TEST(a.pattern.size() == 2u);
    BOOST_TEST((a.pattern[0] == AttentionKind::Sliding));
    BOOST_TEST((a.pattern[1] == AttentionKind::Full));
    BOOST_TEST(a.sliding_window == 128);
    BOOST_TEST(a.sinks);
    BOOST_TEST(a.qkv_bias);
    BOOST_TEST(a.out_bias);
    BOOST_TEST(a.head_dim == 64);
    BOOST_TEST((c.ffn.kind == FfnKind::SwiGluClamped));
    BOOST_TEST(c.ffn.clamp_limit == 7.0);
    BOOST_TEST(c.moe.router_bias);
    BOOST_TEST(c.moe.expert_bias);
    BOOST_TEST(c.moe.top_k == 4);
    const auto& s = c.position.rope.scaling;
    BOOST_TEST((s.kind == RopeScalingKind::Yarn));
    BOOST_TEST(!s.truncate);
    BOOST_TEST(s.factor == 32.0);
    BOOST_TEST(c.position.rope.theta == 150000.0);
  }
  BOOST_TEST(load("gpt-oss-20b").moe.experts == 32);
  BOOST_TEST(load("gpt-oss-120b").n_layers == 36);
}

BOOST_AUTO_TEST_CASE(glm45_partial_rotary_bias_routing) {
  const auto c = load("glm-4.5");
  BOOST_TEST(c.position.rope.partial_rotary == 0.5);
  BOOST_TEST(c.attention.qkv_bias);
  BOOST_TEST(!c.attention.out_bias);
  BOOST_TEST((c.attention.qk_norm == QkNormKind::PerHead));
  BOOST_TEST(c.attention.kv_heads == 8);
  BOOST_TEST(c.moe.experts == 160);
  BOOST_TEST(c.moe.first_dense == 3);
  BOOST_TEST((c.moe.scoring == RouterScoring::Sigmoid));
  BOOST_TEST(c.moe.selection_bias);
  BOOST_TEST(c.moe.routed_scaling == 2.5);
  BOOST_TEST(c.mtp_layers == 1);
  const auto air = load("glm-4.5-air");
  BOOST_TEST((air.attention.qk_norm == QkNormKind::None));
  BOOST_TEST(air.moe.first_dense == 1);
  BOOST_TEST(air.moe.routed_scaling == 1.0);
}

BOOST_AUTO_TEST_CASE(llama4_scout_chunked_nope_l2) {
  const auto c = load("llama4-scout");
  BOOST_TEST(c.position.pattern.size() == 4u);
  BOOST_TEST((c.position.pattern[3] == PositionKind::NoPe));
  BOOST_TEST(c.attention.pattern.size() == 4u);
  BOOST_TEST((c.attention.pattern[0] == AttentionKind::Chunked));
  BOOST_TEST((c.attention.pattern[3] == AttentionKind::Full));
  BOOST_TEST(c.attention.chunk_size == 8192);
  BOOST_TEST((c.attention.qk_norm == QkNormKind::L2));
  BOOST_TEST(c.attention.qk_norm_rope_layers_only);
  BOOST_TEST(c.attention.temperature_tuning.enabled);
  BOOST_TEST(c.attention.temperature_tuning.floor_scale == 8192.0);
  BOOST_TEST(c.attention.temperature_tuning.attn_scale == 0.1);
  BOOST_TEST((c.position.rope.scaling.kind == RopeScalingKind::Llama3));
  BOOST_TEST(c.position.rope.scaling.factor == 16.0);
  BOOST_TEST(c.max_context == 10485760);
  BOOST_TEST(c.moe.experts == 16);
  BOOST_TEST(c.moe.top_k == 1);
  BOOST_TEST(c.moe.expert_d_ff == 8192);
  BOOST_TEST(c.moe.shared_experts == 1);
  BOOST_TEST(c.moe.shared_d_ff == 8192);
  BOOST_TEST((c.moe.scoring == RouterScoring::Sigmoid));
  BOOST_TEST(c.moe.weight_input);
  BOOST_TEST(c.ffn.d_ff == 0);  // Scout: every layer MoE
}

BOOST_AUTO_TEST_CASE(llama4_maverick_interleaved_moe) {
  const auto c = load("llama4-maverick");
  BOOST_TEST(c.moe.experts == 128);
  BOOST_TEST(c.moe.interleave == 2);
  BOOST_TEST(c.moe.first_dense == 0);
  BOOST_TEST(c.moe.dense_layers.empty());
  BOOST_TEST(c.ffn.d_ff == 16384);  // intermediate_size_mlp for the dense layers
  BOOST_TEST((c.attention.qk_norm == QkNormKind::None));
  BOOST_TEST((c.position.rope.scaling.kind == RopeScalingKind::None));
  for (int64_t i = 0; i < c.n_layers; ++i) BOOST_TEST(is_moe_layer(c, i) == (i % 2 == 1));
}

BOOST_AUTO_TEST_SUITE_END()
