// Paged KV cache: block allocation per layer kind, recycling of slid-out / finished-chunk blocks,
// freeing, exhaustion, and the exact byte accounting.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "common/error.hpp"
#include "cpu/cpu_backend.hpp"
#include "kv/paged_kv_cache.hpp"

using namespace archscope;

namespace {

// 4 layers: full, sliding (window 8), chunked (chunk 16), linear; 2 kv heads of 4.
ModelConfig mixed_config() {
  ModelConfig c;
  c.vocab_size = 32;
  c.d_model = 16;
  c.n_layers = 4;
  c.max_context = 256;
  c.attention.pattern = {AttentionKind::Full, AttentionKind::Sliding, AttentionKind::Chunked, AttentionKind::Linear};
  c.attention.heads = 4;
  c.attention.kv_heads = 2;
  c.attention.head_dim = 4;
  c.attention.sliding_window = 8;
  c.attention.chunk_size = 16;
  c.attention.linear = {2, 4, 4, 4, 4};
  c.ffn.d_ff = 32;
  return c;
}

KvCacheOptions opts(int64_t max_tokens) {
  KvCacheOptions o;
  o.block_size = 4;
  o.max_tokens = max_tokens;
  o.max_sequences = 2;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(paged_kv_cache)

BOOST_AUTO_TEST_CASE(blocks_per_kind_and_recycling) {
  cpu::CpuBackend be(1);
  const ModelConfig c = mixed_config();
  PagedKvCache cache(be, c, opts(64));
  const int64_t s = cache.add_sequence();
  cache.reserve(s, 10);  // 3 blocks of 4 in every attention layer during the step
  BOOST_TEST(cache.blocks_in_use(0) == 3);
  BOOST_TEST(cache.blocks_in_use(1) == 3);
  BOOST_TEST(cache.blocks_in_use(2) == 3);
  BOOST_TEST(cache.blocks_in_use(3) == 0);
  cache.advance(s, 10);
  // Sliding: the next query (position 10) sees 3..10, so block 0 (0..3) must stay; chunked:
  // chunk 0 (0..15) is current, all stay.
  BOOST_TEST(cache.blocks_in_use(1) == 3);
  for (int i = 0; i < 10; ++i) {
    cache.reserve(s, 1);
    cache.advance(s, 1);
  }
  // length 20: full keeps 5 blocks; sliding needs 13..20 -> blocks 3, 4 (+ block 5 not yet
  // reserved); chunked needs chunk 16..31 -> blocks 4 only.
  BOOST_TEST(cache.blocks_in_use(0) == 5);
  BOOST_TEST(cache.blocks_in_use(1) == 2);
  BOOST_TEST(cache.blocks_in_use(2) == 1);
  // The views still validate: recycled entries are valid indices.
  const KvBlocks kv = cache.blocks(s, 1, 20);
  BOOST_TEST(kv.block_table.dim(0) == 5);
  BOOST_TEST(kv.length == 20);
  cache.free_sequence(s);
  for (int64_t l = 0; l < 4; ++l) BOOST_TEST(cache.blocks_in_use(l) == 0);
  BOOST_CHECK_THROW(cache.length(s), Error);
}

BOOST_AUTO_TEST_CASE(exhaustion_and_slots) {
  cpu::CpuBackend be(1);
  const ModelConfig c = mixed_config();
  PagedKvCache cache(be, c, opts(16));  // 4 blocks per layer
  const int64_t a = cache.add_sequence();
  cache.reserve(a, 16);
  cache.advance(a, 16);
  try {  // the full-attention layer keeps all 16 tokens: a 17th needs a fifth block
    cache.reserve(a, 1);
    BOOST_FAIL("expected exhaustion");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Resource));
  }
  cache.add_sequence();
  BOOST_CHECK_THROW(cache.add_sequence(), Error);  // max_sequences = 2
}

BOOST_AUTO_TEST_CASE(byte_accounting_is_exact) {
  cpu::CpuBackend be(1);
  const ModelConfig c = mixed_config();
  KvCacheOptions o = opts(64);
  o.dtype = Elem::BF16;
  PagedKvCache cache(be, c, o);
  // Pools: 16 blocks x 4 tokens x 2 heads x 4 dims x 2 bytes, for K and V.
  const uint64_t pool = 16ull * 4 * 2 * 4 * 2 * 2;
  const uint64_t block = pool / 16;
  // Linear state per sequence: conv (2*8 + 16 channels) x 3 taps + recurrent 4 x 4 x 4, fp32.
  const uint64_t state = 4ull * ((2 * 8 + 16) * 3 + 4 * 4 * 4);
  KvAccounting acc = cache.accounting();
  BOOST_TEST(acc.per_layer[0].allocated == pool);
  BOOST_TEST(acc.per_layer[3].allocated == 2 * state);
  BOOST_TEST(acc.total.used == 0u);
  const int64_t s = cache.add_sequence();
  cache.reserve(s, 9);
  cache.advance(s, 9);
  acc = cache.accounting();
  BOOST_TEST(acc.per_layer[0].used == 3 * block);
  BOOST_TEST(acc.per_kind[static_cast<size_t>(AttentionKind::Sliding)].used == 3 * block);
  BOOST_TEST(acc.per_kind[static_cast<size_t>(AttentionKind::Linear)].used == state);
  BOOST_TEST(acc.total.used == 9 * block + state);
  BOOST_TEST(acc.total.allocated == 3 * pool + 2 * state);
}

BOOST_AUTO_TEST_CASE(mla_pool_holds_latent_and_rope_key_only) {
  cpu::CpuBackend be(1);
  ModelConfig c = mixed_config();
  c.attention.pattern = {AttentionKind::Mla};
  c.attention.mla = {0, 8, 4, 2, 4};
  c.attention.head_dim = 6;
  c.attention.kv_heads = 4;
  PagedKvCache cache(be, c, opts(16));
  const int64_t s = cache.add_sequence();
  cache.reserve(s, 1);
  const KvBlocks kv = cache.blocks(s, 0, 1);
  BOOST_TEST(kv.k.dim(3) == 10);  // kv_lora_rank + qk_rope_head_dim
  BOOST_TEST(kv.k.buffer() == kv.v.buffer());
  BOOST_TEST(cache.accounting().per_layer[0].allocated == 4ull * 4 * 10 * 4);
}

BOOST_AUTO_TEST_CASE(oversize_pools_are_refused_before_allocating) {
  cpu::CpuBackend be(1);
  ModelConfig c = mixed_config();
  c.attention.kv_heads = 4;
  c.attention.head_dim = 1 << 16;  // 2^30 tokens x 4 heads x 2^16 dims x 4 bytes x 2 = 2^50 bytes
  c.d_model = 16;
  KvCacheOptions o = opts(int64_t{1} << 30);
  try {
    PagedKvCache cache(be, c, o);
    BOOST_FAIL("expected a refusal");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Resource));
  }
}

BOOST_AUTO_TEST_SUITE_END()
