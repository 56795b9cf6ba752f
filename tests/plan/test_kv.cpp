// KV cache at context: windows, chunks, MLA latents and linear-attention state, against
// hand-computed values.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "official_configs.hpp"
#include "plan/analysis.hpp"
#include "window_configs.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(plan_kv)

BOOST_AUTO_TEST_CASE(gemma3_sliding_full_mix) {
  const ModelConfig c = gemma3_4b();
  // Layers 5, 11, 17, 23, 29 are global: 5 full, 29 sliding. K+V per layer and token in bf16:
  // 2 × 4 kv heads × 256 × 2 bytes = 4096.
  BOOST_TEST(kv_bytes_per_token(c, DType::BF16) == 34u * 4096);
  BOOST_TEST(kv_bytes_at_context(c, 500, 1, DType::BF16) == 34ull * 500 * 4096);  // < window
  BOOST_TEST(kv_bytes_at_context(c, 32768, 1, DType::BF16) ==
             (5ull * 32768 + 29ull * 1024) * 4096);
  // fp8 / int8: one byte per element plus one fp32 scale per token and kv head, for K and for V:
  // 2 × 4 × (256 + 4) = 2080.
  BOOST_TEST(kv_bytes_at_context(c, 32768, 1, DType::FP8) == (5ull * 32768 + 29ull * 1024) * 2080);
  BOOST_TEST(kv_bytes_at_context(c, 32768, 1, DType::INT8) == (5ull * 32768 + 29ull * 1024) * 2080);
}

BOOST_AUTO_TEST_CASE(gpt_oss_alternating_128_window) {
  const ModelConfig c = gpt_oss_20b();
  // 12 full + 12 sliding layers; 2 × 8 × 64 × 2 = 2048 bytes per layer and token.
  BOOST_TEST(kv_bytes_per_token(c, DType::BF16) == 24u * 2048);
  BOOST_TEST(kv_bytes_at_context(c, 100, 1, DType::BF16) == 24ull * 100 * 2048);
  BOOST_TEST(kv_bytes_at_context(c, 8192, 2, DType::BF16) ==
             2 * (12ull * 8192 + 12ull * 128) * 2048);
}

BOOST_AUTO_TEST_CASE(llama4_chunked_layers_hold_one_chunk) {
  const ModelConfig c = llama4_scout();
  // 36 chunked + 12 global layers; 2 × 8 × 128 × 2 = 4096 bytes per layer and token.
  BOOST_TEST(kv_bytes_at_context(c, 100000, 1, DType::BF16) ==
             (12ull * 100000 + 36ull * 8192) * 4096);
  BOOST_TEST(kv_bytes_at_context(c, 5000, 1, DType::BF16) == 48ull * 5000 * 4096);
}

BOOST_AUTO_TEST_CASE(mla_caches_latents) {
  const ModelConfig c = deepseek_v3();
  BOOST_TEST(kv_bytes_at_context(c, 4096, 3, DType::BF16) == 3ull * 4096 * 61 * (512 + 64) * 2);
  // fp8 / int8 rows: 512 + 64 bytes and two fp32 scales (the latent's, the rope key's).
  BOOST_TEST(kv_bytes_per_token(c, DType::FP8) == 61u * (576 + 8));
  BOOST_TEST(kv_bytes_at_context(c, 4096, 3, DType::INT8) == 3ull * 4096 * 61 * (576 + 8));
}

BOOST_AUTO_TEST_CASE(linear_attention_constant_state) {
  const ModelConfig c = qwen3_next_80b();
  // Per linear layer: conv state (2 × 16·128 + 32·128) × (4 − 1) = 24576, recurrent state
  // 32 × 128 × 128 = 524288 elements; 36 linear layers, bf16.
  const uint64_t state = 36ull * (24576 + 524288) * 2;
  // 12 full layers: 2 × 2 × 256 × 2 = 2048 bytes per token.
  BOOST_TEST(kv_bytes_per_token(c, DType::BF16) == 12u * 2048);
  BOOST_TEST(kv_bytes_at_context(c, 1000, 1, DType::BF16) == 12ull * 1000 * 2048 + state);
  BOOST_TEST(kv_bytes_at_context(c, 1000, 4, DType::BF16) == 4 * (12ull * 1000 * 2048 + state));
  BOOST_TEST(kv_bytes_at_context(c, 0, 1, DType::BF16) == 0u);
  // An int8 KV cache leaves the states fp32 (not a KV cache, never quantized): 2 × 2 × (256 + 4)
  // per full layer and token.
  BOOST_TEST(kv_bytes_at_context(c, 1000, 1, DType::INT8) ==
             12ull * 1000 * 1040 + 36ull * (24576 + 524288) * 4);
}

BOOST_AUTO_TEST_CASE(decode_holds_one_more_token_and_reads_the_visible_window) {
  const ModelConfig c = gpt_oss_20b();
  PlanOptions o;
  o.phase = Phase::Decode;
  o.context = 1000;
  const Plan p = build_plan(c, o);
  const LayerPlan& sliding = p.layers[0];
  const LayerPlan& full = p.layers[1];
  auto find = [](const LayerPlan& l, const char* name) -> const Op& {
    for (const Op& op : l.ops)
      if (op.name == name) return op;
    throw std::runtime_error(name);
  };
  BOOST_TEST(find(full, "kv_cache_write").kv_bytes_held == 1001u * 2048);
  BOOST_TEST(find(full, "kv_cache_write").kv_bytes_written == 2048u);
  BOOST_TEST(find(sliding, "kv_cache_write").kv_bytes_held == 128u * 2048);
  // attn_scores reads q (64 heads × 64, bf16) and the visible keys (8 heads × 64, bf16); the
  // sinks (64 bf16 logits) come with it.
  BOOST_TEST(find(full, "attn_scores").bytes_read == 64u * 64 * 2 + 1001u * 8 * 64 * 2 + 64 * 2);
  BOOST_TEST(find(sliding, "attn_values").bytes_read == 128u * 8 * 64 * 2);
}

BOOST_AUTO_TEST_SUITE_END()
