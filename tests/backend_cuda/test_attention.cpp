// attention against a float64 reference through paged pools (shuffled block tables): decode and
// prefill, GQA/MQA/MLA-like head shapes, qk_dim != v_dim, causal/sliding/chunked masks, sinks,
// soft-caps, fp32/bf16/fp16 pools, flash and naive kernels. Bound, per output element:
//   scores:  |ds_j| <= scale (u_q + lambda sqrt(D) u32) sum_i |q_i k_ji| + 4 u32 |s_j|
//   weights: p_j = exp(s_j - m) then carries eps = max_j |ds_j| + 4 u32 (+ u_p) relative error
//   output:  o = sum p_j v_j / sum p_j moves by at most (4 eps + 2 lambda sqrt(n) u32) max_j |v_j|
// with u_q = u_p = 0 for the fp32 kernels and the pool type's unit roundoff for the tensor-core
// kernel (q and p are rounded to it; k and v are stored in it already).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <numeric>

#include "common/error.hpp"
#include "cuda_helpers.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

struct Case {
  int64_t Hq, Hkv, D, Dv, T, L;
  AttentionMask mask;
  int64_t window;
  bool sinks;
  float softcap;
  int64_t block_size;
  // q on a grid of 1/16 in [-2, 2]: exact in bf16 and fp16, so the tensor-core kernel's only
  // rounding left is P's (u_q = 0) and the bound is tight enough to see one key too many or too
  // few (a weight of ~1/n against 4 u_p: dropping each row's first key is 3.8-114x the bound
  // on the four cases below, a float64 model of the kernel's roundings 0.03-0.09x).
  bool exact_q = false;
};

int64_t first_key(const Case& c, int64_t pos) {
  if (c.mask == AttentionMask::Sliding) return std::max<int64_t>(0, pos - c.window + 1);
  if (c.mask == AttentionMask::Chunked) return pos / c.window * c.window;
  return 0;
}

void run_case(const Case& c, Elem pool, AttentionKernel kernel) {
  KernelChoices kc;
  kc.attention = kernel;
  KernelScope scope(kc);
  Stream& s = gpu().default_stream();
  Rng r(static_cast<uint64_t>(c.Hq * 7 + c.D * 131 + c.T * 17 + c.L));
  const int64_t blocks_needed = (c.L + c.block_size - 1) / c.block_size,
                pool_blocks = blocks_needed + 3;
  std::vector<int32_t> table(static_cast<size_t>(blocks_needed));
  std::vector<int32_t> perm(static_cast<size_t>(pool_blocks));
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), r.gen);
  for (size_t i = 0; i < table.size(); ++i) table[i] = perm[i];
  std::vector<float> k = r.uniform(static_cast<size_t>(pool_blocks * c.block_size * c.Hkv * c.D));
  std::vector<float> v = r.uniform(static_cast<size_t>(pool_blocks * c.block_size * c.Hkv * c.Dv));
  std::vector<float> q = r.uniform(static_cast<size_t>(c.T * c.Hq * c.D), -2, 2);
  if (c.exact_q)
    for (float& x : q) x = std::round(x * 16.0f) / 16.0f;
  std::vector<float> sinks = r.uniform(static_cast<size_t>(c.Hq), -1, 3);
  KvBlocks kv;
  kv.k = put(gpu(), pool, {pool_blocks, c.block_size, c.Hkv, c.D}, k);
  kv.v = put(gpu(), pool, {pool_blocks, c.block_size, c.Hkv, c.Dv}, v);
  kv.block_table = put_i32(gpu(), {blocks_needed}, table);
  kv.block_size = c.block_size;
  kv.length = c.L;
  std::vector<int32_t> pos(static_cast<size_t>(c.T));
  for (int64_t t = 0; t < c.T; ++t)
    pos[static_cast<size_t>(t)] = static_cast<int32_t>(c.L - c.T + t);
  Tensor tq = put_f32(gpu(), {c.T, c.Hq, c.D}, q), tpos = put_i32(gpu(), {c.T}, pos);
  Tensor tsinks = c.sinks ? put_f32(gpu(), {c.Hq}, sinks) : Tensor();
  Tensor out = poisoned(gpu(), {c.T, c.Hq, c.Dv});
  AttentionParams ap;
  ap.mask = c.mask;
  ap.window = c.window;
  ap.softcap = c.softcap;
  gpu().attention(s, tq, tpos, kv, tsinks, out, ap);
  const std::vector<float> got = get(gpu(), out);

  const bool tc = kernel != AttentionKernel::Naive && c.T >= 16 && pool != Elem::F32 &&
                  c.D == c.Dv && (c.D == 64 || c.D == 128);
  const double u_in = !tc ? 0.0 : pool == Elem::BF16 ? kUBf16 : kUF16;
  const double u_q = c.exact_q ? 0.0 : u_in;  // P is rounded to the pool type either way
  const double scale = 1.0 / std::sqrt(static_cast<double>(c.D));
  auto krow = [&](int64_t p, int64_t h) {
    const int64_t slot =
        table[static_cast<size_t>(p / c.block_size)] * c.block_size + p % c.block_size;
    return k.data() + (slot * c.Hkv + h) * c.D;
  };
  auto vrow = [&](int64_t p, int64_t h) {
    const int64_t slot =
        table[static_cast<size_t>(p / c.block_size)] * c.block_size + p % c.block_size;
    return v.data() + (slot * c.Hkv + h) * c.Dv;
  };
  std::vector<double> want(got.size()), bound(got.size());
  for (int64_t t = 0; t < c.T; ++t)
    for (int64_t h = 0; h < c.Hq; ++h) {
      const int64_t kvh = h / (c.Hq / c.Hkv), p = pos[static_cast<size_t>(t)], lo = first_key(c, p),
                    n = p - lo + 1;
      const float* qr = q.data() + (t * c.Hq + h) * c.D;
      std::vector<double> sc(static_cast<size_t>(n));
      double eps = 0, m = c.sinks ? sinks[static_cast<size_t>(h)] : -INFINITY;
      for (int64_t j = 0; j < n; ++j) {
        const float* kr = krow(lo + j, kvh);
        double dot = 0, mag = 0;
        for (int64_t i = 0; i < c.D; ++i)
          dot += static_cast<double>(qr[i]) * kr[i],
              mag += std::fabs(static_cast<double>(qr[i]) * kr[i]);
        double sj = dot * scale;
        if (c.softcap > 0) sj = c.softcap * std::tanh(sj / c.softcap);
        sc[static_cast<size_t>(j)] = sj;
        m = std::max(m, sj);
        eps = std::max(
            eps, scale * (u_q + accum(static_cast<double>(c.D))) * mag + 4 * kU32 * std::fabs(sj));
      }
      eps += 4 * kU32 + u_in;
      double den = c.sinks ? std::exp(sinks[static_cast<size_t>(h)] - m) : 0.0;
      for (double& sj : sc) den += (sj = std::exp(sj - m));
      for (int64_t d = 0; d < c.Dv; ++d) {
        double acc = 0, vmax = 0;
        for (int64_t j = 0; j < n; ++j) {
          const double vv = vrow(lo + j, kvh)[d];
          acc += sc[static_cast<size_t>(j)] * vv;
          vmax = std::max(vmax, std::fabs(vv));
        }
        const size_t idx = static_cast<size_t>((t * c.Hq + h) * c.Dv + d);
        want[idx] = acc / den;
        bound[idx] = (4 * eps + 2 * accum(static_cast<double>(n) + 1)) * vmax + 1e-30;
      }
    }
  ARCHSCOPE_CHECK_BOUND(
      got, want, bound,
      "attention Hq=" << c.Hq << " Hkv=" << c.Hkv << " D=" << c.D << "/" << c.Dv << " T=" << c.T
                      << " L=" << c.L << " mask=" << static_cast<int>(c.mask) << " " << name(pool)
                      << (tc ? " tensor-core" : "") << " kernel=" << static_cast<int>(kernel));
}

const Case kCases[] = {
    {32, 8, 64, 64, 1, 700, AttentionMask::Causal, 0, false, 0.0f, 16},  // bench-1b decode, split-K
    // More than 32 splits of 32 keys: the decode kernel's merge walks them in groups of 32.
    {32, 8, 64, 64, 1, 2500, AttentionMask::Causal, 0, false, 0.0f, 16},
    {8, 2, 128, 128, 2, 1500, AttentionMask::Sliding, 1200, true, 0.0f, 16},  // window, sinks
    {8, 1, 128, 128, 2, 300, AttentionMask::Sliding, 100, true, 0.0f, 16},    // MQA, window, sinks
    {8, 2, 64, 64, 100, 100, AttentionMask::Causal, 0, false, 0.0f, 16},      // fresh prefill
    {4, 2, 128, 128, 70, 150, AttentionMask::Chunked, 64, false, 30.0f,
     8},  // continued prefill, chunks, cap
    {8, 8, 64, 64, 40, 40, AttentionMask::Sliding, 13, true, 0.0f,
     16},  // window inside a tile, sinks
    {16, 1, 576, 512, 3, 90, AttentionMask::Causal, 0, false, 0.0f, 16},  // MLA absorbed shape
    {4, 4, 48, 32, 20, 20, AttentionMask::Sliding, 7, true, 0.0f, 4},     // qk != v
    {2, 1, 8, 8, 5, 9, AttentionMask::Causal, 0, false, 0.0f, 3},         // tiny, odd block size
    {6, 3, 96, 96, 33, 1000, AttentionMask::Causal, 0, false, 0.0f,
     16},  // many queries, long context
    // The prefill kernel's tile edges (query and key tiles of 64, two K/V stages, block-table
    // lookups two tiles ahead): lengths not a multiple of the tile, windows and chunks whose
    // edges fall inside a tile, key ranges starting off a tile boundary, 9+ key tiles per block.
    {8, 2, 64, 64, 130, 130, AttentionMask::Causal, 0, false, 0.0f, 16},
    {4, 2, 128, 128, 65, 257, AttentionMask::Causal, 0, true, 0.0f, 32},
    {4, 1, 128, 128, 200, 333, AttentionMask::Sliding, 70, true, 0.0f, 16},
    {8, 4, 64, 64, 150, 150, AttentionMask::Chunked, 48, false, 20.0f, 8},
    {2, 2, 64, 64, 600, 600, AttentionMask::Causal, 0, false, 0.0f, 16},
    {2, 1, 64, 64, 300, 1100, AttentionMask::Sliding, 300, true, 0.0f, 16},
    {2, 1, 128, 128, 17, 17, AttentionMask::Causal, 0, false, 0.0f, 5},  // one partial tile
    // The same edges with exact q: bounds tight enough to catch a mask off by one key.
    {8, 8, 64, 64, 40, 40, AttentionMask::Sliding, 13, true, 0.0f, 16, true},
    {8, 2, 64, 64, 130, 130, AttentionMask::Causal, 0, false, 0.0f, 16, true},
    {8, 4, 64, 64, 150, 150, AttentionMask::Chunked, 48, false, 0.0f, 8, true},
    {4, 1, 128, 128, 200, 333, AttentionMask::Sliding, 70, true, 0.0f, 16, true},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(cuda_attention)

BOOST_AUTO_TEST_CASE(against_float64) {
  for (const Case& c : kCases)
    for (Elem pool : {Elem::F32, Elem::BF16, Elem::F16})
      for (AttentionKernel k : {AttentionKernel::Auto, AttentionKernel::Naive})
        run_case(c, pool, k);
}

BOOST_AUTO_TEST_CASE(query_outside_the_cache_is_reported) {
  Stream& s = gpu().default_stream();
  std::vector<float> kv(2 * 4 * 1 * 8, 0.5f), qv(1 * 2 * 8, 0.1f);
  KvBlocks b;
  b.k = put_f32(gpu(), {2, 4, 1, 8}, kv);
  b.v = put_f32(gpu(), {2, 4, 1, 8}, kv);
  b.block_table = put_i32(gpu(), {2}, {1, 0});
  b.block_size = 4;
  b.length = 5;
  Tensor q = put_f32(gpu(), {1, 2, 8}, qv), pos = put_i32(gpu(), {1}, {5}),
         out = gpu().alloc(Elem::F32, {1, 2, 8});
  gpu().attention(s, q, pos, b, Tensor(), out, AttentionParams{});
  BOOST_CHECK_THROW(gpu().synchronize(s), Error);
}

BOOST_AUTO_TEST_SUITE_END()
