// Exact parameter counts and KV bytes per token against the published figures.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "official_configs.hpp"
#include "plan/analysis.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {
Analysis analyze(const ModelConfig& c) {
  AnalysisOptions o;
  o.context = 4096;
  return summarize(c, o);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(plan_params)

BOOST_AUTO_TEST_CASE(deepseek_v3_total_and_active) {
  const Analysis a = analyze(deepseek_v3());
  BOOST_TEST(a.params.total == 671026419200ull);  // "671B total" (model card)
  BOOST_TEST(a.params.active == 37552297472ull);  // "37B activated"
  BOOST_TEST(a.params.embedding == 129280ull * 7168);
  BOOST_TEST(a.params.active_without_input_embedding == 37552297472ull - 129280ull * 7168);
  BOOST_TEST(a.params.non_embedding == 671026419200ull - 2 * 129280ull * 7168);
  // 61 × (kv_lora 512 + rope 64) × 2 bytes
  BOOST_TEST(a.kv.bytes_per_token == 70272u);
  BOOST_TEST(a.kv.bytes_at_context == 70272ull * 4096);
}

BOOST_AUTO_TEST_CASE(mixtral_total_and_active) {
  const Analysis a = analyze(mixtral_8x7b());
  BOOST_TEST(a.params.total == 46702792704ull);
  BOOST_TEST(a.params.active == 12879925248ull);
  BOOST_TEST(a.kv.bytes_per_token == 32u * 2 * 8 * 128 * 2);
}

BOOST_AUTO_TEST_CASE(llama3_8b_total) {
  const Analysis a = analyze(llama3_8b());
  BOOST_TEST(a.params.total == 8030261248ull);
  BOOST_TEST(a.params.active == 8030261248ull);  // dense: everything is active
  BOOST_TEST(a.params.non_embedding == 8030261248ull - 2 * 128256ull * 4096);
  BOOST_TEST(a.kv.bytes_per_token == 131072u);  // 32 × 2 × 8 × 128 × 2
  BOOST_TEST(a.weights_bytes == 2 * 8030261248ull);
}

BOOST_AUTO_TEST_CASE(gpt2_tied_embeddings_counted_once) {
  const Analysis a = analyze(gpt2_small());
  BOOST_TEST(a.params.total == 124439808u);  // HF GPT2LMHeadModel.num_parameters()
  BOOST_TEST(a.params.embedding == (50257u + 1024u) * 768u);  // tokens + learned positions
  // Tied: the shared matrix is subtracted once, and the head owns nothing.
  BOOST_TEST(a.params.non_embedding == 124439808u - (50257u + 1024u) * 768u);
  BOOST_TEST(a.components[static_cast<size_t>(Component::Head)].params == 0u);
}

BOOST_AUTO_TEST_CASE(component_sums_equal_totals_and_plans_agree) {
  for (const ModelConfig& c : {deepseek_v3(), mixtral_8x7b(), gpt2_small()}) {
    BOOST_TEST_CONTEXT(c.name) {
      const Analysis a = analyze(c);
      uint64_t params = 0, active = 0;
      for (const ComponentFigures& f : a.components) {
        params += f.params;
        active += f.params_active;
      }
      BOOST_TEST(params == a.params.total);
      BOOST_TEST(active == a.params.active);
      // Prefill (naive MLA) and decode (absorbed MLA) own the same parameters.
      BOOST_TEST(totals(a.prefill).params == totals(a.decode).params);
      BOOST_TEST(totals(a.prefill).param_bytes == totals(a.decode).param_bytes);
    }
  }
}

BOOST_AUTO_TEST_CASE(quantized_weights_apply_to_matmuls_only) {
  AnalysisOptions o;
  o.context = 16;
  o.weights = DType::INT4;
  const ModelConfig c = llama3_8b();
  const Analysis a = summarize(c, o);
  // Embedding, LM head and norms stay bf16; every other parameter is a matmul weight at 4 bits.
  const uint64_t embed = 128256ull * 4096, head = embed, norms = (2 * 32 + 1) * 4096ull;
  const uint64_t matmul = a.params.total - embed - head - norms;
  BOOST_TEST(a.weights_bytes == 2 * (embed + head + norms) + matmul / 2);
  o.quant_group_size = 128;  // one bf16 scale per 128 weights, per matrix
  const Analysis g = summarize(c, o);
  const uint64_t per_layer_scales = (4096ull * 4096 / 128 + 2 * 4096ull * 1024 / 128 +
                                     4096ull * 4096 / 128 + 3 * 4096ull * 14336 / 128) * 2;
  BOOST_TEST(g.weights_bytes == a.weights_bytes + 32 * per_layer_scales);
}

BOOST_AUTO_TEST_SUITE_END()
