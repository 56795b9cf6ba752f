#include <cmath>

#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

struct Setup {
  AttentionCase c;
  int64_t block_size;
  Elem kv_elem;
  bool sinks;
};

// K/V go through kv_store into pools whose blocks are mapped by a table that is never the
// identity (logical block i in pool block nblocks - i; pool block 0 unused). The reference sees
// the stored (rounded) K/V; with `from_fp32` it sees the fp32 values before kv_store instead and
// the bound adds the pool's rounding (ref_attention.cpp).
void run(Backend& be, const Setup& s, uint64_t seed, bool from_fp32 = false) {
  const AttentionCase& c = s.c;
  Rng rng(seed);
  auto q = rng.uniform(c.T * c.Hq * c.Dqk, -2, 2);
  auto k = rng.uniform(c.len * c.Hkv * c.Dqk, -2, 2);
  auto v = rng.uniform(c.len * c.Hkv * c.Dv);
  auto sinks = s.sinks ? rng.uniform(c.Hq, -1, 3) : Floats{};
  const int64_t nblocks = (c.len + s.block_size - 1) / s.block_size;
  Ints table(static_cast<size_t>(nblocks));
  for (int64_t i = 0; i < nblocks; ++i) table[i] = static_cast<int32_t>(nblocks - i);
  const int64_t pool = nblocks + 1;
  KvBlocks kv{be.alloc(s.kv_elem, {pool, s.block_size, c.Hkv, c.Dqk}),
              be.alloc(s.kv_elem, {pool, s.block_size, c.Hkv, c.Dv}),
              upload_i32(be, {nblocks}, table), s.block_size, c.len};
  Ints all(static_cast<size_t>(c.len));
  for (int64_t j = 0; j < c.len; ++j) all[j] = static_cast<int32_t>(j);
  be.kv_store(be.default_stream(), upload_f32(be, {c.len, c.Hkv, c.Dqk}, k),
              upload_f32(be, {c.len, c.Hkv, c.Dv}, v), upload_i32(be, {c.len}, all), kv);
  Ints pos(static_cast<size_t>(c.T));
  for (int64_t t = 0; t < c.T; ++t)
    pos[t] = static_cast<int32_t>(c.len - c.T + t);  // the newest tokens
  Tensor out = be.alloc(Elem::F32, {c.T, c.Hq, c.Dv});
  be.attention(be.default_stream(), upload_f32(be, {c.T, c.Hq, c.Dqk}, q),
               upload_i32(be, {c.T}, pos), kv, s.sinks ? upload_f32(be, {c.Hq}, sinks) : Tensor(),
               out, c.p);
  const Expected want =
      from_fp32 ? ref_attention(c, q, pos, k, v, sinks, s.kv_elem)
                : ref_attention(c, q, pos, stored_as(s.kv_elem, k), stored_as(s.kv_elem, v), sinks);
  BOOST_TEST_CONTEXT("T=" << c.T << " Hq=" << c.Hq << " Hkv=" << c.Hkv << " Dqk=" << c.Dqk
                          << " Dv=" << c.Dv << " len=" << c.len << " pool " << to_string(s.kv_elem)
                          << (from_fp32 ? " (vs fp32 K/V)" : "")) {
    ARCHSCOPE_CHECK_WITHIN(fetch(be, out), want);
  }
}

AttentionParams mask(AttentionMask m, int64_t window, float scale = 0.0f, float cap = 0.0f) {
  return {m, window, scale, cap};
}
const AttentionParams kCausal{};

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_ops_attention)

BOOST_AUTO_TEST_CASE(causal_gqa_prefill_and_decode) {
  for_each_backend([](Backend& be) {
    run(be, {{7, 6, 2, 19, 19, 23, kCausal}, 4, Elem::F32, false},
        1);  // prefill of 7 onto 16 cached
    run(be, {{1, 5, 1, 33, 33, 41, kCausal}, 8, Elem::F32, false}, 2);  // MQA decode
    run(be, {{3, 4, 4, 17, 17, 9, kCausal}, 16, Elem::F32, false},
        3);  // MHA, contiguous (one block)
  });
}

BOOST_AUTO_TEST_CASE(every_pool_dtype) {
  for_each_backend([](Backend& be) {
    for (Elem e : {Elem::F32, Elem::BF16, Elem::F16}) {
      run(be, {{2, 4, 2, 21, 21, 30, kCausal}, 5, e, false}, 4);
      run(be, {{5, 6, 3, 23, 11, 61, mask(AttentionMask::Sliding, 9)}, 7, e, true}, 5);
    }
  });
}

// The same outputs judged against the fp32 K/V the kernel rounded into its bf16/fp16 pool: the
// bound then carries the storage rounding (u_s |k|, u_s |v|) through the scores and the value sum.
BOOST_AUTO_TEST_CASE(bf16_and_fp16_pools_against_the_unrounded_kv) {
  for_each_backend([](Backend& be) {
    for (Elem e : {Elem::BF16, Elem::F16}) {
      run(be, {{2, 4, 2, 21, 21, 30, kCausal}, 5, e, false}, 4, true);
      run(be, {{1, 8, 1, 64, 64, 300, kCausal}, 16, e, true}, 6, true);
    }
  });
}

BOOST_AUTO_TEST_CASE(sliding_chunked_sinks_softcap_scale_mla_dims) {
  for_each_backend([](Backend& be) {
    run(be, {{5, 4, 2, 13, 13, 29, mask(AttentionMask::Sliding, 6)}, 4, Elem::F32, false}, 6);
    run(be, {{6, 2, 1, 11, 11, 27, mask(AttentionMask::Chunked, 8)}, 4, Elem::F32, false}, 7);
    run(be, {{3, 8, 2, 15, 15, 17, mask(AttentionMask::Sliding, 5)}, 4, Elem::F32, true},
        8);  // gpt-oss
    run(be,
        {{3, 4, 2, 15, 15, 17, mask(AttentionMask::Causal, 0, 0.31f, 5.0f)}, 4, Elem::F32, false},
        9);
    run(be, {{4, 3, 3, 25, 9, 19, mask(AttentionMask::Causal, 0, 0.2f)}, 6, Elem::F32, false},
        10);  // MLA dims
  });
}

// Wide cases: several key blocks, several token tiles with different key ranges, GQA groups wider
// than a CPU tile (16 rows), key-range splits of decode (flash-decoding) with and without sinks.
BOOST_AUTO_TEST_CASE(long_contexts_wide_groups_and_key_splits) {
  for_each_backend([](Backend& be) {
    run(be, {{37, 8, 2, 64, 64, 150, kCausal}, 16, Elem::BF16, false}, 11);
    run(be, {{1, 8, 1, 64, 64, 1000, kCausal}, 16, Elem::BF16, false}, 12);
    run(be, {{2, 4, 2, 40, 24, 700, mask(AttentionMask::Causal, 0, 0, 3.0f)}, 7, Elem::F16, true},
        13);
    run(be, {{1, 3, 1, 33, 33, 900, mask(AttentionMask::Sliding, 300)}, 16, Elem::F32, true}, 14);
    run(be, {{9, 40, 2, 16, 16, 77, mask(AttentionMask::Chunked, 32)}, 8, Elem::F32, false}, 15);
    run(be, {{21, 4, 4, 8, 8, 100, mask(AttentionMask::Sliding, 10)}, 32, Elem::F32, false}, 16);
    run(be, {{1, 8, 1, 64, 64, 1000, mask(AttentionMask::Sliding, 700)}, 16, Elem::F16, true}, 22);
    run(be, {{6, 4, 2, 21, 13, 45, mask(AttentionMask::Causal, 0, 0.3f, 4.0f)}, 5, Elem::F32, true},
        23);
    run(be, {{3, 6, 3, 7, 3, 12, mask(AttentionMask::Chunked, 4)}, 4, Elem::F32, false}, 24);
  });
}

BOOST_AUTO_TEST_CASE(a_sink_takes_mass_but_adds_no_value) {
  // One key, one head: without a sink out = v; with sink logit s and key logit l the weight is
  // e^l / (e^l + e^s). q.k = 0 gives l = 0; s = ln 3 gives weight 1/4: out = v / 4.
  for_each_backend([](Backend& be) {
    Tensor k = upload_f32(be, {1, 1, 1, 2}, {0.0f, 0.0f}),
           v = upload_f32(be, {1, 1, 1, 2}, {4.0f, -8.0f});
    KvBlocks kv{k, v, upload_i32(be, {1}, {0}), 1, 1};
    Tensor out = be.alloc(Elem::F32, {1, 1, 2});
    const float sink = std::log(3.0f);
    be.attention(be.default_stream(), upload_f32(be, {1, 1, 2}, {1.0f, 1.0f}),
                 upload_i32(be, {1}, {0}), kv, upload_f32(be, {1}, {sink}), out, {});
    // The reference against the hand value (ln 3 rounded to fp32 moves it by ~1e-8), the backend
    // against the reference.
    const Expected want = ref_attention({1, 1, 1, 2, 2, 1, {}}, {1.0f, 1.0f}, {0}, {0.0f, 0.0f},
                                        {4.0f, -8.0f}, {sink});
    BOOST_TEST(std::abs(want.value[0] - 1.0) < 1e-6);
    BOOST_TEST(std::abs(want.value[1] + 2.0) < 1e-6);
    ARCHSCOPE_CHECK_WITHIN(fetch(be, out), want);
  });
}

BOOST_AUTO_TEST_SUITE_END()
