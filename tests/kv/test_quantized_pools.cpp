// int8 / fp8 KV pools: the bytes a cache allocates (codes plus one fp32 scale per stored vector)
// against hand-computed values, the same counts as the plan's (analyze), and what a layer's view
// hands to attention (scales through the same block table).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "common/error.hpp"
#include "cpu/cpu_backend.hpp"
#include "kv/kv_dtype.hpp"
#include "kv/paged_kv_cache.hpp"
#include "plan/analysis.hpp"
#include "plan/official_configs.hpp"

using namespace archscope;

namespace {

// 3 layers: full, sliding (window 8), linear; 2 kv heads of 4.
ModelConfig mixed_config() {
  ModelConfig c;
  c.vocab_size = 32;
  c.d_model = 16;
  c.n_layers = 3;
  c.max_context = 256;
  c.attention.pattern = {AttentionKind::Full, AttentionKind::Sliding, AttentionKind::Linear};
  c.attention.heads = 4;
  c.attention.kv_heads = 2;
  c.attention.head_dim = 4;
  c.attention.sliding_window = 8;
  c.attention.linear = {2, 4, 4, 4, 4};
  c.ffn.d_ff = 32;
  return c;
}

KvCacheOptions opts(Elem e, int64_t max_tokens, int64_t block = 4) {
  KvCacheOptions o;
  o.dtype = e;
  o.block_size = block;
  o.max_tokens = max_tokens;
  o.max_sequences = 2;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kv_quantized_pools)

BOOST_AUTO_TEST_CASE(bytes_count_codes_and_scales) {
  const ModelConfig c = mixed_config();
  // Per softmax layer and token: 2 (K, V) × 2 kv heads × (4 one-byte codes + a 4-byte scale) = 32.
  BOOST_TEST(kv_token_bytes(AttentionKind::Full, c, Elem::INT8) == 32u);
  BOOST_TEST(kv_token_bytes(AttentionKind::Full, c, Elem::FP8) == 32u);
  BOOST_TEST(kv_token_bytes(AttentionKind::Full, c, Elem::BF16) ==
             32u);  // 2 × 2 × 4 × 2: no scales
  // Linear states: conv (2·2·4 + 4·4) × 3 + recurrent 4 × 4 × 4 = 96 + 64 floats per sequence.
  const uint64_t states = 2ull * (96 + 64) * 4;
  // 64 tokens: 16 blocks of 4 in the full layer and (no max_step_tokens) in the sliding one.
  BOOST_TEST(PagedKvCache::allocated_bytes(c, opts(Elem::INT8, 64)) == 2ull * 64 * 32 + states);
  cpu::CpuBackend be(1);
  PagedKvCache cache(be, c, opts(Elem::FP8, 64));
  const KvAccounting acc = cache.accounting();
  BOOST_TEST(acc.total.allocated == 2ull * 64 * 32 + states);
  BOOST_TEST(acc.per_layer[0].allocated == 64u * 32);
  const int64_t s = cache.add_sequence();
  cache.reserve(s, 5);  // two blocks of 4 tokens in each softmax layer
  BOOST_TEST(cache.accounting().per_layer[0].used == 2u * 4 * 32);
  const KvBlocks kv = cache.blocks(s, 0, 5);
  BOOST_TEST((kv.k.elem() == Elem::FP8));
  BOOST_TEST(kv.k_scale.shape() == (Shape{16, 4, 2, 1}), shape_string(kv.k_scale.shape()));
  BOOST_TEST(kv.v_scale.defined());
}

BOOST_AUTO_TEST_CASE(mla_rows_carry_two_scales) {
  const ModelConfig c = test::deepseek_v3();  // kv_lora 512, rope 64, 61 MLA layers
  BOOST_TEST(kv_scale_groups(AttentionKind::Mla, c) == 2);
  BOOST_TEST(kv_scale_split(AttentionKind::Mla, c) == 512);
  BOOST_TEST(kv_token_bytes(AttentionKind::Mla, c, Elem::INT8) == 576u + 8u);
  // The cache and the plan agree to the byte on a context of whole blocks.
  const uint64_t cache = PagedKvCache::allocated_bytes(c, opts(Elem::INT8, 4096, 16));
  BOOST_TEST(cache == 4096ull * 61 * (576 + 8));
  BOOST_TEST(cache == kv_bytes_at_context(c, 4096, 1, DType::INT8));
}

BOOST_AUTO_TEST_CASE(cache_and_plan_agree_for_gqa) {
  const ModelConfig c = test::llama3_8b();  // 32 layers, 8 kv heads of 128
  for (Elem e : {Elem::INT8, Elem::FP8}) {
    const uint64_t cache = PagedKvCache::allocated_bytes(c, opts(e, 1024, 16));
    BOOST_TEST(cache == 1024ull * 32 * 2 * 8 * (128 + 4));
    BOOST_TEST(cache == kv_bytes_at_context(c, 1024, 1, dtype_of(e)));
  }
}

BOOST_AUTO_TEST_CASE(kv_dtype_names_and_errors) {
  BOOST_TEST((parse_kv_elem("int8", "--kv-dtype") == Elem::INT8));
  BOOST_TEST((parse_kv_elem("fp8", "--kv-dtype") == Elem::FP8));
  BOOST_TEST((parse_kv_elem("bf16", "--kv-dtype") == Elem::BF16));
  try {
    parse_kv_elem("int4", "--kv-dtype");
    BOOST_FAIL("int4 accepted");
  } catch (const Error& e) {
    BOOST_TEST(e.where() == "--kv-dtype");
    BOOST_TEST(e.message().find("fp32|bf16|fp16|int8|fp8") != std::string::npos, e.message());
  }
}

BOOST_AUTO_TEST_SUITE_END()
