// Decode attention (flash-decoding) for few query tokens over paged K/V with head dim 32, 64 or
// 128 (qk == v): grid (key splits, kv head x head group, token). A block holds up to 4 query heads
// of one GQA group, one warp each; per tile of 32 keys the block stages the K and V rows in shared
// memory (every thread a few independent 16-byte loads), each warp scores its row with one key
// per lane, updates its online softmax and accumulates the values with lanes over the head dims.
// Splits are small (32 keys up to 8k positions, at most 256 splits beyond), so a decode step's
// attention is spread over all multiprocessors and each warp runs a few hundred instructions;
// the last split of a (token, head group) to finish merges all splits and adds the sink.
// int8 / fp8 pools (KT = KvI8 / KvE4M3): the tile stages codes, and the slot lookup also fetches
// each key's k and v scales; every element is read as value(code) * scale (kernels/kv_quant.cuh).
#include <algorithm>

#include "backend/op_params.hpp"
#include "cuda/attention/attention_args.hpp"
#include "cuda/attention/mask.cuh"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/kv_quant.cuh"
#include "cuda/kernels/kv_view.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {

constexpr int kRows = 4;  // query heads (warps) per block

struct DecodeParams {
  AttentionArgs a;
  KvView kv;
  float* part;    // [T * Hq, splits, D + 2] when splits > 1
  int* counters;  // [T * gridDim.y], zero between launches
  DeviceErrors* err;
  int group, rows, head_groups, splits, kps;  // kps: keys per split, a multiple of 32
};

// Before the wait for the previous kernel (the KV store: programmatic dependent launch), pulls
// this block's K and V rows (up to 4 tiles) into L2, so the staging loads after the wait are L2
// hits instead of a dependent chain of block-table and HBM round trips. Only a hint: the
// position and block table read here may be stale (the real ones are read after the wait), and
// L2 is the coherence point, so a prefetch can never make a later load return stale data; the
// addresses are bounded by the table and the pools like kv_slot's.
template <class KT, int D>
__device__ __forceinline__ void prefetch_split(const DecodeParams& p) {
  const AttentionArgs& a = p.a;
  const KvView& kv = p.kv;
  const int pos = a.qpos[blockIdx.z];
  if (pos < 0 || pos >= kv.length) return;
  const int lo = static_cast<int>(first_key(a.mask, a.window, pos));
  const int kb = min(pos + 1, lo + static_cast<int>(blockIdx.x) * p.kps);
  const int ke = min(min(pos + 1, kb + p.kps), kb + 128);
  constexpr int L =
      D * static_cast<int>(sizeof(KT)) >= 128 ? D * static_cast<int>(sizeof(KT)) / 128 : 1;
  const int kvh = blockIdx.y / p.head_groups;
  const int64_t slot_stride = kv.kv_heads * D;
  for (int i = threadIdx.x; i < (ke - kb) * 2 * L; i += blockDim.x) {
    const int key = kb + i / (2 * L), r = i % (2 * L);
    const int64_t logical = key / kv.block_size;
    if (logical >= kv.table_len) continue;
    const int64_t b = kv.table[logical];
    if (b < 0 || b >= kv.blocks) continue;
    const KT* base = static_cast<const KT*>(r >= L ? kv.v : kv.k) + static_cast<int64_t>(kvh) * D;
    const KT* line = base + (b * kv.block_size + key % kv.block_size) * slot_stride +
                     (r % L) * (128 / sizeof(KT));
    asm volatile("prefetch.global.L2 [%0];" ::"l"(line));
  }
}

template <class KT, int D>
__global__ void __launch_bounds__(kRows * 32) attention_decode_kernel(DecodeParams p) {
  prefetch_split<KT, D>(p);
  kernel_prologue();
  constexpr int E = 16 / sizeof(KT), C = D / E, PAD = E, STR = D + PAD, DL = D / 32;
  __shared__ alignas(16) KT ks[32 * STR];
  __shared__ alignas(16) KT vs[32 * STR];
  __shared__ float qs[kRows][D];
  __shared__ int last;
  __shared__ int64_t slots[32];
  __shared__ RowScale kscale[32], vscale[32];  // coded pools only
  const AttentionArgs& a = p.a;
  const KvView& kv = p.kv;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, nthreads = blockDim.x;
  const int sp = blockIdx.x, kvh = blockIdx.y / p.head_groups, hg = blockIdx.y % p.head_groups,
            t = blockIdx.z;
  const int h = kvh * p.group + hg * p.rows + warp;  // this warp's query head
  const bool row_ok = hg * p.rows + warp < p.group;
  const int pos = a.qpos[t];
  const bool pos_ok = pos >= 0 && pos < kv.length;
  if (!pos_ok && threadIdx.x == 0 && sp == 0 && blockIdx.y == 0)
    report(p.err, DeviceCheck::AttentionPosition, pos, kv.length);
  int kb = 0, ke = 0;
  if (pos_ok) {
    const int lo = static_cast<int>(first_key(a.mask, a.window, pos));
    kb = min(pos + 1, lo + sp * p.kps);
    ke = min(pos + 1, kb + p.kps);
  }
  if (row_ok)
    for (int d = lane; d < D; d += 32)
      qs[warp][d] = a.q[(static_cast<int64_t>(t) * a.Hq + h) * D + d];
  const KT* kbase = static_cast<const KT*>(kv.k) + static_cast<int64_t>(kvh) * D;
  const KT* vbase = static_cast<const KT*>(kv.v) + static_cast<int64_t>(kvh) * D;
  const int64_t slot_stride = kv.kv_heads * D;
  float m = -INFINITY, l = 0.0f, o[DL];
#pragma unroll
  for (int i = 0; i < DL; ++i) o[i] = 0.0f;
  for (int tile = kb; tile < ke; tile += 32) {
    __syncthreads();  // previous tile's readers are done (and qs is written)
    const int keys = min(32, ke - tile);
    // The tile's 32 slots first (one table lookup per key, by the first warp), so the staging
    // loads below depend on no other global load and go out 4 at a time per thread.
    if (threadIdx.x < 32) {
      const int64_t slot = threadIdx.x < keys ? kv_slot(kv, tile + threadIdx.x, p.err) : -1;
      slots[threadIdx.x] = slot;
      if constexpr (kv_coded<KT>) {  // a bad slot (reported) stages zero codes: unit scales
        kscale[threadIdx.x] = slot >= 0 ? kv_row_scale(kv.k_scale, kv, slot, kvh) : unit_scale();
        vscale[threadIdx.x] = slot >= 0 ? kv_row_scale(kv.v_scale, kv, slot, kvh) : unit_scale();
      }
    }
    __syncthreads();
    // Stage 32 K rows and 32 V rows: chunk c of the 2 * 32 * C is (key c / C % 32, part c % C).
    for (int c0 = threadIdx.x; c0 < 2 * 32 * C; c0 += 4 * nthreads) {
      uint4 v[4];
#pragma unroll
      for (int u = 0; u < 4; ++u) {
        const int c = c0 + u * nthreads;
        const bool is_v = c >= 32 * C;
        const int cc = is_v ? c - 32 * C : c, key = cc / C, ch = cc % C;
        const int64_t slot = c < 2 * 32 * C ? slots[key] : -1;
        v[u] = slot >= 0 ? *reinterpret_cast<const uint4*>((is_v ? vbase : kbase) +
                                                           slot * slot_stride + ch * E)
                         : make_uint4(0, 0, 0, 0);
      }
#pragma unroll
      for (int u = 0; u < 4; ++u) {
        const int c = c0 + u * nthreads;
        if (c >= 2 * 32 * C) break;
        const bool is_v = c >= 32 * C;
        const int cc = is_v ? c - 32 * C : c, key = cc / C, ch = cc % C;
        *reinterpret_cast<uint4*>((is_v ? vs : ks) + key * STR + ch * E) = v[u];
      }
    }
    __syncthreads();
    if (!row_ok) continue;
    float s = -INFINITY;
    if (lane < keys) {
      const KT* kr = ks + lane * STR;
      RowScale rs = unit_scale();
      if constexpr (kv_coded<KT>) rs = kscale[lane];
      float acc = 0.0f;
#pragma unroll
      for (int ch = 0; ch < C; ++ch) {
        const uint4 raw = *reinterpret_cast<const uint4*>(kr + ch * E);
        const KT* e = reinterpret_cast<const KT*>(&raw);
#pragma unroll
        for (int i = 0; i < E; ++i)
          acc = fmaf(qs[warp][ch * E + i],
                     kv_dequant(e[i], ch * E + i, rs.s0, rs.s1, kv.scale_split), acc);
      }
      s = acc * a.scale;
      if (a.softcap > 0.0f) s = a.softcap * tanhf(s / a.softcap);
    }
    const float mn = fmaxf(m, warp_max(s));
    const float alpha = m == -INFINITY ? 0.0f : expf(m - mn);
    const float pr = lane < keys ? expf(s - mn) : 0.0f;
    l = l * alpha + warp_sum(pr);
    m = mn;
#pragma unroll
    for (int i = 0; i < DL; ++i) o[i] *= alpha;
    for (int jj = 0; jj < keys; ++jj) {
      const float pj = __shfl_sync(0xffffffffu, pr, jj);
      const KT* vr = vs + jj * STR;
      RowScale vsj = unit_scale();
      if constexpr (kv_coded<KT>) vsj = vscale[jj];
#pragma unroll
      for (int i = 0; i < DL; ++i)
        o[i] = fmaf(
            pj, kv_dequant(vr[lane + 32 * i], lane + 32 * i, vsj.s0, vsj.s1, kv.scale_split), o[i]);
    }
  }
  const int64_t row = static_cast<int64_t>(t) * a.Hq + h;
  if (p.splits == 1) {
    if (row_ok) {
      float f = 1.0f, L = l;
      if (a.sinks) {  // the sink logit joins the denominator only
        const float sk = a.sinks[h], M2 = fmaxf(m, sk);
        f = m == -INFINITY ? 0.0f : expf(m - M2);
        L = l * f + expf(sk - M2);
      }
      const float inv = L > 0.0f ? f / L : 0.0f;
#pragma unroll
      for (int i = 0; i < DL; ++i) a.out[row * D + lane + 32 * i] = o[i] * inv;
    }
    return;
  }
  if (row_ok) {
    float* dst = p.part + (row * p.splits + sp) * (D + 2);
#pragma unroll
    for (int i = 0; i < DL; ++i) dst[lane + 32 * i] = o[i];
    if (lane == 0) dst[D] = m, dst[D + 1] = l;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    __threadfence();
    int* counter = p.counters + static_cast<int64_t>(t) * gridDim.y + blockIdx.y;
    last = atomicAdd(counter, 1) == p.splits - 1;
    if (last) *counter = 0;
  }
  __syncthreads();
  if (!last || !row_ok) return;
  __threadfence();
  // This warp merges its row: lanes over splits for the max and the sum, then over head dims.
  // Up to 32 splits (contexts to 1024 positions) each lane keeps its split's max and sum in
  // registers from one load and hands the split weights to the other lanes by shuffles, so the
  // merge is two rounds of independent L2 loads; beyond, lanes walk the splits in steps of 32.
  const float* base = p.part + row * p.splits * (D + 2);
  float mx = -INFINITY, m_own = -INFINITY, l_own = 0.0f;
  for (int s2 = lane; s2 < p.splits; s2 += 32) {
    const float ms = __ldcg(base + s2 * (D + 2) + D);
    if (s2 < 32) m_own = ms, l_own = __ldcg(base + s2 * (D + 2) + D + 1);
    mx = fmaxf(mx, ms);
  }
  const float M = warp_max(mx);
  const float sk = a.sinks ? a.sinks[h] : -INFINITY, M2 = fmaxf(M, sk);
  float ls = 0.0f;
  if (lane < p.splits && m_own != -INFINITY) ls += expf(m_own - M2) * l_own;
  for (int s2 = lane + 32; s2 < p.splits; s2 += 32) {
    const float ms = __ldcg(base + s2 * (D + 2) + D);
    if (ms != -INFINITY) ls += expf(ms - M2) * __ldcg(base + s2 * (D + 2) + D + 1);
  }
  float L = warp_sum(ls);
  if (a.sinks) L += expf(sk - M2);
  const float inv = L > 0.0f ? 1.0f / L : 0.0f;
  float acc[DL];
#pragma unroll
  for (int i = 0; i < DL; ++i) acc[i] = 0.0f;
  for (int g = 0; g < p.splits; g += 32) {
    // Lane j's weight for split g + j, then every lane sums the group's splits in order.
    float w_own = 0.0f;
    {
      const float ms =
          g == 0 ? m_own
                 : (g + lane < p.splits ? __ldcg(base + (g + lane) * (D + 2) + D) : -INFINITY);
      w_own = ms == -INFINITY ? 0.0f : expf(ms - M2);
    }
    const int n = min(32, p.splits - g);
#pragma unroll 8
    for (int j = 0; j < n; ++j) {
      const float w = __shfl_sync(0xffffffffu, w_own, j);
#pragma unroll
      for (int i = 0; i < DL; ++i)
        acc[i] = fmaf(w, __ldcg(base + (g + j) * (D + 2) + lane + 32 * i), acc[i]);
    }
  }
#pragma unroll
  for (int i = 0; i < DL; ++i) a.out[row * D + lane + 32 * i] = acc[i] * inv;
}

template <class KT, int D>
void launch_decode(CudaBackend& be, const DecodeParams& p) {
  launch(be, attention_decode_kernel<KT, D>,
         dim3(static_cast<unsigned>(p.splits), static_cast<unsigned>(p.kv.kv_heads * p.head_groups),
              static_cast<unsigned>(p.a.T)),
         dim3(static_cast<unsigned>(32 * p.rows)), 0, p);
}

}  // namespace

bool attention_decode(CudaBackend& be, const AttentionArgs& a, const KvView& kv) {
  const int64_t D = kv.qk_dim;
  if (kv.v_dim != D || (D != 32 && D != 64 && D != 128) || a.T > 8) return false;
  if (reinterpret_cast<uintptr_t>(kv.k) % 16 != 0 || reinterpret_cast<uintptr_t>(kv.v) % 16 != 0)
    return false;
  if (kv.table_len * kv.block_size > (int64_t{1} << 30)) return false;  // positions fit an int
  DecodeParams p{};
  p.a = a;
  p.kv = kv;
  p.err = be.device_errors();
  p.group = static_cast<int>(a.Hq / kv.kv_heads);
  p.rows = std::min(p.group, kRows);
  p.head_groups = (p.group + p.rows - 1) / p.rows;
  // Keys per split from the block table's capacity (stable across decode steps, so the graph
  // replays): 32 keys per split up to 8192 positions, then at most 256 splits.
  int64_t span = kv.table_len * kv.block_size;
  if (a.mask != static_cast<int>(AttentionMask::Causal)) span = std::min(span, a.window);
  span = std::max<int64_t>(span, 1);
  const int64_t kps = 32 * std::max<int64_t>(1, (span + 32 * 256 - 1) / (32 * 256));
  p.kps = static_cast<int>(kps);
  p.splits = static_cast<int>((span + kps - 1) / kps);
  std::shared_ptr<Buffer> part;
  if (p.splits > 1) {
    part = be.scratch(static_cast<size_t>(a.T * a.Hq * p.splits * (D + 2)) * sizeof(float));
    p.part = static_cast<float*>(part->handle());
    p.counters = be.zeroed_counters(static_cast<size_t>(a.T * kv.kv_heads * p.head_groups));
  }
  switch (kv.elem) {
    case FElem::BF16:
      if (D == 32)
        launch_decode<__nv_bfloat16, 32>(be, p);
      else if (D == 64)
        launch_decode<__nv_bfloat16, 64>(be, p);
      else
        launch_decode<__nv_bfloat16, 128>(be, p);
      break;
    case FElem::F16:
      if (D == 32)
        launch_decode<__half, 32>(be, p);
      else if (D == 64)
        launch_decode<__half, 64>(be, p);
      else
        launch_decode<__half, 128>(be, p);
      break;
    case FElem::I8:
      if (D == 32)
        launch_decode<KvI8, 32>(be, p);
      else if (D == 64)
        launch_decode<KvI8, 64>(be, p);
      else
        launch_decode<KvI8, 128>(be, p);
      break;
    case FElem::E4M3:
      if (D == 32)
        launch_decode<KvE4M3, 32>(be, p);
      else if (D == 64)
        launch_decode<KvE4M3, 64>(be, p);
      else
        launch_decode<KvE4M3, 128>(be, p);
      break;
    default:
      if (D == 32)
        launch_decode<float, 32>(be, p);
      else if (D == 64)
        launch_decode<float, 64>(be, p);
      else
        launch_decode<float, 128>(be, p);
      break;
  }
  return true;
}

}  // namespace archscope::cuda
