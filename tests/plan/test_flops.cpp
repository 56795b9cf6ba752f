// Prefill and decode FLOPs checked by methods other than the plan's closed forms: attention pairs
// counted per (query, key) in loops over the mask, prefill as the sum of decode steps, and the
// 2 × parameters rule for matmuls.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "official_configs.hpp"
#include "plan/costs.hpp"
#include "plan/plan.hpp"
#include "small_configs.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

const Op& find(const LayerPlan& l, const std::string& name) {
  for (const Op& op : l.ops)
    if (op.name == name) return op;
  throw std::runtime_error("no op " + name);
}

// Whether query i may attend to key j (both absolute positions), written from the mask's
// definition rather than from a count.
bool visible(AttentionKind kind, int64_t window, int64_t i, int64_t j) {
  if (j > i) return false;
  if (kind == AttentionKind::Sliding) return i - j < window;
  if (kind == AttentionKind::Chunked) return i / window == j / window;
  return true;
}

uint64_t brute_pairs(AttentionKind kind, int64_t window, int64_t first, int64_t count) {
  uint64_t pairs = 0;
  for (int64_t i = first; i < first + count; ++i)
    for (int64_t j = 0; j <= i; ++j) pairs += visible(kind, window, i, j);
  return pairs;
}

PlanOptions prefill(int64_t tokens, int64_t batch) {
  PlanOptions o;
  o.phase = Phase::Prefill;
  o.tokens = tokens;
  o.batch = batch;
  return o;
}

PlanOptions decode(int64_t context, int64_t batch) {
  PlanOptions o;
  o.phase = Phase::Decode;
  o.context = context;
  o.batch = batch;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(plan_flops)

BOOST_AUTO_TEST_CASE(prefill_attention_matches_mask_loops) {
  const ModelConfig c = kitchen_sink();  // sliding 3, chunked 4, full; 4 heads of 8
  const int64_t t = 11, batch = 2, h = 4, hd = 8;
  const Plan p = build_plan(c, prefill(t, batch));
  for (const LayerPlan& l : p.layers) {
    BOOST_TEST_CONTEXT("layer " << l.spec.index) {
      const uint64_t pairs = batch * h * brute_pairs(l.spec.attention, l.spec.window, 0, t);
      BOOST_TEST(find(l, "attn_values").flops == pairs * 2 * hd);
      // q·k, scale and softmax per pair; the sink logit joins each query's softmax.
      BOOST_TEST(find(l, "attn_scores").flops ==
                 pairs * (2 * hd + costs::kScoreScale + costs::kSoftmax) +
                     uint64_t(batch * t * h) * costs::kSoftmax);
    }
  }
  // Spot values: window 3 over 11 positions sees 1 + 2 + 9 × 3 = 30 keys, chunks of 4 give
  // 10 + 10 + 6 = 26, full 66.
  BOOST_TEST(brute_pairs(AttentionKind::Sliding, 3, 0, 11) == 30u);
  BOOST_TEST(brute_pairs(AttentionKind::Chunked, 4, 0, 11) == 26u);
  BOOST_TEST(brute_pairs(AttentionKind::Full, 0, 0, 11) == 66u);
}

BOOST_AUTO_TEST_CASE(decode_attention_matches_mask_loops) {
  const ModelConfig c = kitchen_sink();
  for (int64_t context : {0, 2, 3, 7, 8, 13}) {
    const Plan p = build_plan(c, decode(context, 3));
    for (const LayerPlan& l : p.layers) {
      BOOST_TEST_CONTEXT("context " << context << " layer " << l.spec.index) {
        const uint64_t pairs = 3 * 4 * brute_pairs(l.spec.attention, l.spec.window, context, 1);
        BOOST_TEST(find(l, "attn_values").flops == pairs * 2 * 8);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(prefill_equals_the_sum_of_decode_steps) {
  // Without MLA (whose prefill and decode forms differ) every op does per token what one decode
  // step does at that position, so a prefill of T tokens costs Σ decode(context p), p < T.
  for (const ModelConfig& c : {kitchen_sink(), tiny_linear(), gpt2_small()}) {
    BOOST_TEST_CONTEXT(c.name) {
      const int64_t t = 9, batch = 2;
      uint64_t steps = 0;
      for (int64_t pos = 0; pos < t; ++pos) steps += totals(build_plan(c, decode(pos, batch))).flops;
      BOOST_TEST(totals(build_plan(c, prefill(t, batch))).flops == steps);
    }
  }
}

BOOST_AUTO_TEST_CASE(mla_prefill_naive_and_decode_absorbed) {
  const ModelConfig c = tiny_mla();  // heads 2, kv_lora 6, nope 4, rope 2, v 3
  const int64_t t = 5;
  const Plan p = build_plan(c, prefill(t, 1));
  const uint64_t prefill_pairs = 2 * brute_pairs(AttentionKind::Full, 0, 0, t);
  BOOST_TEST(find(p.layers[0], "attn_values").flops == prefill_pairs * 2 * 3);  // v_head_dim
  BOOST_TEST(find(p.layers[0], "kv_b_proj").flops == 2u * t * 6 * 2 * (4 + 3));
  const Plan d = build_plan(c, decode(7, 1));
  const uint64_t decode_pairs = 2 * 8;  // 2 heads × 8 visible latents
  BOOST_TEST(find(d.layers[0], "attn_values").flops == decode_pairs * 2 * 6);  // in latent space
  BOOST_TEST(find(d.layers[0], "attn_scores").flops ==
             decode_pairs * (2 * (6 + 2) + costs::kScoreScale + costs::kSoftmax));
  BOOST_TEST(find(d.layers[0], "q_absorb").flops == 2u * 2 * 4 * 6);
  BOOST_TEST(find(d.layers[0], "out_absorb").flops == 2u * 2 * 6 * 3);
}

BOOST_AUTO_TEST_CASE(matmul_flops_are_twice_their_weights_per_row) {
  const ModelConfig c = llama3_8b();  // no biases
  const Plan p = build_plan(c, prefill(3, 2));
  uint64_t matmul_params = 0, matmul_flops = 0;
  p.for_each_op([&](const Op& op) {
    if (op.kind != OpKind::Matmul) return;
    matmul_params += op.params;
    matmul_flops += op.flops;
  });
  // Every weight but the embedding and the norms is a matmul weight here.
  BOOST_TEST(matmul_params == 8030261248ull - 128256ull * 4096 - 65ull * 4096);
  BOOST_TEST(matmul_flops == 2 * 6 * matmul_params);
}

BOOST_AUTO_TEST_CASE(moe_decode_flops_use_top_k_experts) {
  const ModelConfig c = mixtral_8x7b();
  const Plan p = build_plan(c, decode(100, 1));
  const Op& experts = find(p.layers[0], "experts");
  const uint64_t per_expert = 3ull * 4096 * 14336;
  BOOST_TEST(experts.params == 8 * per_expert);
  BOOST_TEST(experts.params_active == 2 * per_expert);
  // Two experts per token: 2 flops per weight, the SwiGLU on 14336 and the weighted combine.
  BOOST_TEST(experts.flops ==
             2 * (2 * per_expert + 14336u * (costs::kSilu + 1) + 2 * 4096u));
}

BOOST_AUTO_TEST_SUITE_END()
