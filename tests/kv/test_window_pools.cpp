// Sliding-window and chunked pools sized by their window (KvCacheOptions::max_step_tokens): the
// block count per sequence against a brute-force count of the blocks a step's queries touch, the
// allocated bytes against the layer arithmetic, long runs that recycle blocks without running
// out, and a cache whose full-size pools could never fit that is no longer refused.
#define BOOST_TEST_DYN_LINK
#include <algorithm>
#include <boost/test/unit_test.hpp>

#include "common/error.hpp"
#include "cpu/cpu_backend.hpp"
#include "kv/memory_check.hpp"
#include "kv/paged_kv_cache.hpp"

using namespace archscope;

namespace {

// The blocks (of `bs` tokens) that positions [first, last] touch.
int64_t touched(int64_t first, int64_t last, int64_t bs) {
  return last / bs - first / bs + 1;
}

// Most blocks one sequence needs at once: over every step start L (all alignments), the span
// from the first position the step's first query sees to the step's last position.
int64_t brute_force_blocks(AttentionKind kind, int64_t window, int64_t step, int64_t bs) {
  int64_t most = 0;
  for (int64_t L = 0; L < 8 * window * bs; ++L) {
    const int64_t first =
        kind == AttentionKind::Sliding ? std::max<int64_t>(0, L - window + 1) : L / window * window;
    most = std::max(most, touched(first, L + step - 1, bs));
  }
  return most;
}

// 6 layers: 5 sliding (window 8), 1 full; or chunked (chunk 12) in place of sliding.
ModelConfig windowed_config(AttentionKind kind) {
  ModelConfig c;
  c.vocab_size = 32;
  c.d_model = 16;
  c.n_layers = 6;
  c.max_context = 1024;
  c.attention.pattern = {kind, kind, kind, kind, kind, AttentionKind::Full};
  c.attention.heads = 4;
  c.attention.kv_heads = 2;
  c.attention.head_dim = 4;
  c.attention.sliding_window = 8;
  c.attention.chunk_size = 12;
  c.ffn.d_ff = 32;
  return c;
}

KvCacheOptions window_sized(int64_t max_tokens, int64_t sequences, int64_t step) {
  KvCacheOptions o;
  o.block_size = 4;
  o.max_tokens = max_tokens;
  o.max_sequences = sequences;
  o.max_step_tokens = step;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(window_pools)

BOOST_AUTO_TEST_CASE(blocks_per_sequence_match_a_brute_force_count) {
  for (AttentionKind kind : {AttentionKind::Sliding, AttentionKind::Chunked})
    for (int64_t bs : {1, 4, 16})
      for (int64_t window : {1, 3, 8, 12, 16, 17, 64})
        for (int64_t step : {1, 2, 5, 16}) {
          if (kind == AttentionKind::Chunked && window < 2) continue;
          BOOST_TEST(window_pool_blocks(kind, window, step, bs) ==
                         brute_force_blocks(kind, window, step, bs),
                     to_string(kind)
                         << " window " << window << " step " << step << " block " << bs);
        }
  // Decode at Gemma 3's window (1024) in 16-token blocks: the window plus one block.
  BOOST_TEST(window_pool_blocks(AttentionKind::Sliding, 1024, 1, 16) == 65);
  // Llama 4's 8192-token chunks are whole blocks: no extra block.
  BOOST_TEST(window_pool_blocks(AttentionKind::Chunked, 8192, 1, 16) == 512);
}

BOOST_AUTO_TEST_CASE(allocated_bytes_follow_the_layer_arithmetic) {
  cpu::CpuBackend be(1);
  const ModelConfig c = windowed_config(AttentionKind::Sliding);
  const KvCacheOptions o = window_sized(400, 3, 1);
  const uint64_t token = 2ull * 2 * 4 * 4;  // K and V, 2 heads x 4 dims, fp32
  // Full layer: 400 tokens = 100 blocks. Sliding: 3 sequences x ceil((8 + 1 - 2) / 4) + 1 = 3
  // blocks.
  const uint64_t expect = 100 * 4 * token + 5 * (3 * 3 * 4 * token);
  BOOST_TEST(PagedKvCache::allocated_bytes(c, o) == expect);
  PagedKvCache cache(be, c, o);
  BOOST_TEST(cache.accounting().total.allocated == expect);
  BOOST_TEST(cache.pool_blocks(0) == 9);
  BOOST_TEST(cache.pool_blocks(5) == 100);
  // Without the step bound the windowed pools are as large as the full one (the old sizing).
  BOOST_TEST(PagedKvCache::allocated_bytes(c, window_sized(400, 3, 0)) == 6 * 100 * 4 * token);
  // A window larger than a sequence ever gets: never more than a full pool.
  ModelConfig wide = c;
  wide.attention.sliding_window = 4096;
  BOOST_TEST(PagedKvCache::allocated_bytes(wide, o) == 6 * 100 * 4 * token);
}

BOOST_AUTO_TEST_CASE(long_interleaved_runs_fit_the_window_pools) {
  cpu::CpuBackend be(1);
  for (AttentionKind kind : {AttentionKind::Sliding, AttentionKind::Chunked}) {
    const ModelConfig c = windowed_config(kind);
    PagedKvCache cache(be, c, window_sized(3 * 300, 3, 1));
    // Three sequences: first steps of 37, 8 and 1 tokens (longer than the window, or not), then
    // decode steps interleaved until 300 tokens each, one sequence freed and replaced midway.
    std::vector<int64_t> seqs;
    for (int64_t first : {37, 8, 1}) {
      const int64_t s = cache.add_sequence();
      cache.reserve(s, first);
      // The first step keeps only what the next query sees: sliding 8 -> from 37 - 7 = 30 (block
      // 28), chunked 12 -> from 36 (block 36).
      if (first == 37)
        BOOST_TEST(cache.stored_from(s, 0) == (kind == AttentionKind::Sliding ? 28 : 36));
      BOOST_TEST(cache.stages_first_step(0, first) ==
                 (first == 37 || (kind == AttentionKind::Sliding && first == 8)));
      BOOST_TEST(cache.stored_from(s, 5) == 0);  // the full layer keeps everything
      cache.advance(s, first);
      seqs.push_back(s);
    }
    int64_t peak = 0;
    for (int step = 0; step < 290; ++step) {
      for (size_t i = 0; i < seqs.size(); ++i) {
        if (step == 150 && i == 1) {  // a finished sequence gives its blocks back
          cache.free_sequence(seqs[i]);
          seqs[i] = cache.add_sequence();
          cache.reserve(seqs[i], 20);
          cache.advance(seqs[i], 20);
        }
        cache.reserve(seqs[i], 1);
        cache.advance(seqs[i], 1);
        peak = std::max(peak, cache.blocks_in_use(0));
      }
    }
    BOOST_TEST(peak <= cache.pool_blocks(0));
    BOOST_TEST(peak >= cache.pool_blocks(0) - 3);  // the bound is nearly reached (alignment)
    // A continuing step longer than max_step_tokens runs out, naming the bound.
    try {
      for (int i = 0; i < 3; ++i) cache.reserve(seqs[static_cast<size_t>(i)], 16);
      BOOST_FAIL("expected exhaustion");
    } catch (const Error& e) {
      BOOST_TEST((e.kind() == ErrorKind::Resource));
      BOOST_TEST(e.message().find("max_step_tokens = 1") != std::string::npos, e.message());
    }
  }
}

BOOST_AUTO_TEST_CASE(window_sized_pools_are_not_refused_where_full_ones_would_be) {
  // Every layer sliding (Mistral-style): full-size pools for 2 x MemAvailable would be refused;
  // window-sized ones are a few blocks and allocate.
  const uint64_t avail = available_memory_bytes();
  if (avail == 0) return;  // no /proc/meminfo: nothing is ever refused
  cpu::CpuBackend be(1);
  ModelConfig c = windowed_config(AttentionKind::Sliding);
  c.attention.pattern = {AttentionKind::Sliding};
  const uint64_t per_token = 6ull * 2 * 2 * 4 * 4;
  const int64_t tokens = static_cast<int64_t>(2 * avail / per_token);
  BOOST_CHECK_THROW(PagedKvCache(be, c, window_sized(tokens, 1, 0)), Error);
  PagedKvCache cache(be, c, window_sized(tokens, 1, 1));
  BOOST_TEST(cache.accounting().total.allocated == 6ull * 3 * 4 * 2 * 2 * 4 * 4);
}

BOOST_AUTO_TEST_CASE(byte_counts_past_64_bits_saturate_and_are_refused) {
  cpu::CpuBackend be(1);
  ModelConfig c = windowed_config(AttentionKind::Sliding);
  c.attention.head_dim = 1 << 20;
  const KvCacheOptions o = window_sized(int64_t{1} << 50, 1, 0);  // 2^50 tokens x 2^25 bytes
  BOOST_TEST(PagedKvCache::allocated_bytes(c, o) == UINT64_MAX);
  try {
    PagedKvCache cache(be, c, o);
    BOOST_FAIL("expected a refusal");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Resource));
  }
}

BOOST_AUTO_TEST_SUITE_END()
