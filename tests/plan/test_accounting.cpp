// Every parameter belongs to exactly one op: plan sums against independent hand counts of small
// configurations with every optional parameter switched on.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <set>

#include "plan/analysis.hpp"
#include "small_configs.hpp"
#include "window_configs.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

PlanOptions phase(Phase ph) {
  PlanOptions o;
  o.phase = ph;
  o.tokens = 5;
  o.context = 5;
  return o;
}

void check_both_phases(const ModelConfig& c, uint64_t total, uint64_t active) {
  for (Phase ph : {Phase::Prefill, Phase::Decode}) {
    BOOST_TEST_CONTEXT(c.name << " " << to_string(ph)) {
      const Plan p = build_plan(c, phase(ph));
      BOOST_TEST(totals(p).params == total);
      BOOST_TEST(totals(p).params_active == active);
      for (const LayerPlan& l : p.layers) {  // op names are identifiers within a layer
        std::set<std::string> names;
        for (const Op& op : l.ops) BOOST_TEST(names.insert(op.name).second, op.name);
      }
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(plan_accounting)

BOOST_AUTO_TEST_CASE(kitchen_sink_hand_count) {
  // d 16, vocab 50 untied, 4 heads × 8 (q_proj doubled by the output gate), 2 kv heads.
  const uint64_t embedding = 50 * 16, head = 50 * 16, final_norm = 16;
  const uint64_t attention = (16 * 64 + 64)    // q_proj + bias (query and gate)
                             + 2 * (16 * 16 + 16)  // k_proj, v_proj + biases
                             + 4                   // sinks, one per head
                             + (32 * 16 + 16);     // o_proj + bias
  const uint64_t qk_norm = 8 + 8;                  // per-head q and k weights
  const uint64_t sandwich = 4 * 16;                // four norms per layer
  const uint64_t dense_ffn = 3 * 16 * 20;          // layer 0
  const uint64_t router = 16 * 4 + 4 + 4;          // weights, router bias, selection bias
  const uint64_t expert = 3 * 16 * 12 + 2 * 12 + 16;  // gate, up, down + their biases
  const uint64_t shared = 3 * 16 * 10 + 16;        // shared expert + its gate
  const uint64_t total = embedding + head + final_norm + 3 * (attention + qk_norm + sandwich) +
                         dense_ffn + 2 * (router + 4 * expert + shared);
  BOOST_TEST(total == 15372u);
  check_both_phases(kitchen_sink(), total, total - 2 * (4 - 2) * expert);
}

BOOST_AUTO_TEST_CASE(mla_hand_count) {
  // q_a 16×8, q_a_norm 8, q_b 8×2·(4+2), kv_a 16×(6+2), kv_a_norm 6, kv_b 6×2·(4+3), o 2·3×16.
  const uint64_t attention = 128 + 8 + 96 + 128 + 6 + 84 + 96;
  const uint64_t total = 20 * 16 /* tied */ + 16 /* final norm */ + attention + 3 * 16 * 10 +
                         2 * 16 /* layer norms */;
  BOOST_TEST(total == 1394u);
  check_both_phases(tiny_mla(), total, total);
}

BOOST_AUTO_TEST_CASE(linear_attention_hand_count) {
  // key_dim 2·3 = 6, value_dim 4·2 = 8, conv_dim 2·6 + 8 = 20.
  const uint64_t linear = 16 * (2 * 6 + 2 * 8)  // in_proj_qkvz
                          + 16 * 8              // in_proj_ba
                          + 20 * 4              // conv1d, no bias
                          + 4 + 4               // A_log, dt_bias
                          + 2                   // gated norm over value_head_dim
                          + 8 * 16;             // out_proj
  const uint64_t full = 16 * 8 + 2 * 16 * 4 + 8 * 16;
  const uint64_t total = linear + full + 2 * 3 * 16 * 8 + 5 * 16 + 2 * 10 * 16;
  BOOST_TEST(total == 2346u);
  check_both_phases(tiny_linear(), total, total);
  // State: conv 20 × 3 + recurrent 4 × 3 × 2 = 84 elements (bf16); full layer 16 bytes per token.
  BOOST_TEST(kv_bytes_at_context(tiny_linear(), 10, 3, DType::BF16) == 3u * (84 * 2 + 10 * 16));
}

BOOST_AUTO_TEST_CASE(gpt_oss_20b_sinks_and_biases) {
  // Model card: 20.91B total, 3.61B active (without the input embedding); exact from config.json.
  AnalysisOptions o;
  o.context = 256;
  const Analysis a = summarize(gpt_oss_20b(), o);
  BOOST_TEST(a.params.total == 20914757184ull);
  BOOST_TEST(a.params.active_without_input_embedding == 3608307264ull);
}

BOOST_AUTO_TEST_CASE(norm_weights_live_in_norms) {
  const Plan p = build_plan(kitchen_sink(), phase(Phase::Decode));
  uint64_t norms = 0;
  p.for_each_op([&](const Op& op) {
    if (op.component == Component::Norms) norms += op.params;
    if (op.kind == OpKind::Norm) BOOST_TEST((op.component == Component::Norms));
  });
  BOOST_TEST(norms == 16u + 3 * (16 + 64));
}

BOOST_AUTO_TEST_SUITE_END()
