#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <hwy/targets.h>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

struct Setup {
  int64_t T, Hq, Hkv, Dqk, Dv, len, block_size;
  Elem kv_elem;
  AttentionParams p;
  bool sinks;
};

// Straightforward float64 attention over a logical K/V [len, Hkv, D] (no blocks).
std::vector<double> reference(const Setup& s, const std::vector<float>& q, const std::vector<int32_t>& pos,
                              const std::vector<float>& k, const std::vector<float>& v, const std::vector<float>& sinks) {
  std::vector<double> out(s.T * s.Hq * s.Dv, 0.0);
  const double scale = s.p.scale != 0 ? s.p.scale : 1 / std::sqrt(static_cast<double>(s.Dqk));
  for (int64_t t = 0; t < s.T; ++t)
    for (int64_t h = 0; h < s.Hq; ++h) {
      const int64_t kvh = h / (s.Hq / s.Hkv);
      std::vector<double> logit;
      std::vector<int64_t> keys;
      for (int64_t j = 0; j <= pos[t]; ++j) {
        if (s.p.mask == AttentionMask::Sliding && pos[t] - j >= s.p.window) continue;
        if (s.p.mask == AttentionMask::Chunked && j / s.p.window != pos[t] / s.p.window) continue;
        double d = 0;
        for (int64_t i = 0; i < s.Dqk; ++i) d += static_cast<double>(q[(t * s.Hq + h) * s.Dqk + i]) * k[(j * s.Hkv + kvh) * s.Dqk + i];
        d *= scale;
        if (s.p.softcap > 0) d = s.p.softcap * std::tanh(d / s.p.softcap);
        logit.push_back(d);
        keys.push_back(j);
      }
      double m = -1e300;
      for (double l : logit) m = std::max(m, l);
      if (s.sinks) m = std::max(m, static_cast<double>(sinks[h]));
      double denom = s.sinks ? std::exp(sinks[h] - m) : 0.0;
      for (double l : logit) denom += std::exp(l - m);
      for (size_t n = 0; n < keys.size(); ++n) {
        const double w = std::exp(logit[n] - m) / denom;
        for (int64_t i = 0; i < s.Dv; ++i) out[(t * s.Hq + h) * s.Dv + i] += w * v[(keys[n] * s.Hkv + kvh) * s.Dv + i];
      }
    }
  return out;
}

void run(const Setup& s, uint64_t seed) {
  CpuBackend be(3);
  Rng rng(seed);
  auto q = rng.uniform(s.T * s.Hq * s.Dqk, -2, 2);
  auto k = rng.uniform(s.len * s.Hkv * s.Dqk, -2, 2);
  auto v = rng.uniform(s.len * s.Hkv * s.Dv);
  auto sinks = rng.uniform(s.Hq, -1, 3);
  // Round K/V to the pool dtype so the reference sees the stored values.
  std::vector<float> kr = k, vr = v;
  if (s.kv_elem != Elem::F32) {
    upload_as(be, s.kv_elem, {s.len * s.Hkv * s.Dqk}, kr);
    upload_as(be, s.kv_elem, {s.len * s.Hkv * s.Dv}, vr);
  }
  // Logical block i lives in pool block table[i].
  const int64_t nblocks = (s.len + s.block_size - 1) / s.block_size;
  std::vector<int32_t> table(nblocks);
  // Distinct and descending (pool block 0 unused): never the identity mapping.
  for (int64_t i = 0; i < nblocks; ++i) table[i] = static_cast<int32_t>(nblocks - i);
  const int64_t pool = nblocks + 1;
  KvBlocks kv{be.alloc(s.kv_elem, {pool, s.block_size, s.Hkv, s.Dqk}), be.alloc(s.kv_elem, {pool, s.block_size, s.Hkv, s.Dv}),
              upload_i32(be, {nblocks}, table), s.block_size, s.len};
  std::vector<int32_t> all(s.len);
  for (int64_t j = 0; j < s.len; ++j) all[j] = static_cast<int32_t>(j);
  be.kv_store(be.default_stream(), upload_f32(be, {s.len, s.Hkv, s.Dqk}, k), upload_f32(be, {s.len, s.Hkv, s.Dv}, v),
              upload_i32(be, {s.len}, all), kv);
  std::vector<int32_t> pos(s.T);
  for (int64_t t = 0; t < s.T; ++t) pos[t] = static_cast<int32_t>(s.len - s.T + t);  // the newest tokens
  Tensor out = be.alloc(Elem::F32, {s.T, s.Hq, s.Dv});
  be.attention(be.default_stream(), upload_f32(be, {s.T, s.Hq, s.Dqk}, q), upload_i32(be, {s.T}, pos), kv,
               s.sinks ? upload_f32(be, {s.Hq}, sinks) : Tensor(), out, s.p);
  ARCHSCOPE_CHECK_CLOSE(fetch(be, out), reference(s, q, pos, kr, vr, sinks), 1e-5);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_cpu_attention)

BOOST_AUTO_TEST_CASE(causal_gqa_prefill_and_decode) {
  run({7, 6, 2, 19, 19, 23, 4, Elem::F32, {}, false}, 1);   // prefill of 7 onto 16 cached
  run({1, 5, 1, 33, 33, 41, 8, Elem::F32, {}, false}, 2);   // MQA decode
  run({3, 4, 4, 17, 17, 9, 16, Elem::F32, {}, false}, 3);   // MHA, contiguous (one block)
}

BOOST_AUTO_TEST_CASE(bf16_and_fp16_cache) {
  run({2, 4, 2, 21, 21, 30, 5, Elem::BF16, {}, false}, 4);
  run({2, 4, 2, 21, 21, 30, 5, Elem::F16, {}, false}, 5);
}

BOOST_AUTO_TEST_CASE(sliding_chunked_sinks_softcap_scale_mla_dims) {
  run({5, 4, 2, 13, 13, 29, 4, Elem::F32, {AttentionMask::Sliding, 6, 0, 0}, false}, 6);
  run({6, 2, 1, 11, 11, 27, 4, Elem::F32, {AttentionMask::Chunked, 8, 0, 0}, false}, 7);
  run({3, 8, 2, 15, 15, 17, 4, Elem::F32, {AttentionMask::Sliding, 5, 0, 0}, true}, 8);  // gpt-oss
  run({3, 4, 2, 15, 15, 17, 4, Elem::F32, {AttentionMask::Causal, 0, 0.31f, 5.0f}, false}, 9);
  run({4, 3, 3, 25, 9, 19, 6, Elem::F32, {AttentionMask::Causal, 0, 0.2f, 0}, false}, 10);  // MLA: qk 25, v 9
}

// The op cuts work into tiles of up to 16 query rows of one kv head (a GQA group times a few
// tokens), walks keys in blocks of 32 with an online softmax, and splits a tile's key range over
// the threads when there are few tiles (decode with one or two kv heads). These cover several key
// blocks, several token tiles with different key ranges, groups wider than a tile, and splits.
BOOST_AUTO_TEST_CASE(key_blocks_token_tiles_and_key_splits) {
  run({37, 8, 2, 64, 64, 150, 16, Elem::BF16, {}, false}, 11);                           // prefill tiles
  run({1, 8, 1, 64, 64, 1000, 16, Elem::BF16, {}, false}, 12);                           // MQA decode: splits
  run({2, 4, 2, 40, 24, 700, 7, Elem::F16, {AttentionMask::Causal, 0, 0, 3.0f}, true}, 13);  // splits + sinks
  run({1, 3, 1, 33, 33, 900, 16, Elem::F32, {AttentionMask::Sliding, 300, 0, 0}, true}, 14);  // sliding + splits
  run({9, 40, 2, 16, 16, 77, 8, Elem::F32, {AttentionMask::Chunked, 32, 0, 0}, false}, 15);  // group 20 > 16
  run({21, 4, 4, 8, 8, 100, 32, Elem::F32, {AttentionMask::Sliding, 10, 0, 0}, false}, 16);  // MHA, 16 tokens a tile
}

// The kernels are compiled for every x86 target Highway knows (SSE4, AVX2, AVX-512...) and the
// best one is picked at run time: check each one this CPU can run, not only the best.
BOOST_AUTO_TEST_CASE(every_simd_target) {
  for (int64_t target : hwy::SupportedAndGeneratedTargets()) {
    BOOST_TEST_CONTEXT("target " << hwy::TargetName(target)) {
      hwy::SetSupportedTargetsForTest(target);
      run({37, 8, 2, 64, 64, 150, 16, Elem::BF16, {}, false}, 21);
      run({1, 8, 1, 64, 64, 1000, 16, Elem::F16, {AttentionMask::Sliding, 700, 0, 0}, true}, 22);
      run({6, 4, 2, 21, 13, 45, 5, Elem::F32, {AttentionMask::Causal, 0, 0.3f, 4.0f}, true}, 23);
      run({3, 6, 3, 7, 3, 12, 4, Elem::F32, {AttentionMask::Chunked, 4, 0, 0}, false}, 24);
    }
  }
  hwy::SetSupportedTargetsForTest(0);
}

BOOST_AUTO_TEST_CASE(a_sink_takes_mass_but_adds_no_value) {
  // One key, one head: without a sink out = v; with sink logit s and key logit l the weight is
  // e^l / (e^l + e^s). q.k = 0 gives l = 0; s = ln 3 gives weight 1/4.
  CpuBackend be(1);
  Tensor k = upload_f32(be, {1, 1, 1, 2}, {0.0f, 0.0f}), v = upload_f32(be, {1, 1, 1, 2}, {4.0f, -8.0f});
  KvBlocks kv{k, v, upload_i32(be, {1}, {0}), 1, 1};
  Tensor out = be.alloc(Elem::F32, {1, 1, 2});
  be.attention(be.default_stream(), upload_f32(be, {1, 1, 2}, {1.0f, 1.0f}), upload_i32(be, {1}, {0}), kv,
               upload_f32(be, {1}, {std::log(3.0f)}), out, {});
  auto y = fetch(be, out);
  BOOST_TEST(y[0] == 1.0f, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(y[1] == -2.0f, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(query_beyond_cache_throws) {
  CpuBackend be(1);
  Tensor k = be.alloc(Elem::F32, {1, 4, 1, 2}), v = be.alloc(Elem::F32, {1, 4, 1, 2});
  KvBlocks kv{k, v, upload_i32(be, {1}, {0}), 4, 2};
  Tensor out = be.alloc(Elem::F32, {1, 1, 2});
  BOOST_CHECK_THROW(be.attention(be.default_stream(), be.alloc(Elem::F32, {1, 1, 2}), upload_i32(be, {1}, {2}), kv,
                                 Tensor(), out, {}), Error);
}

BOOST_AUTO_TEST_SUITE_END()
