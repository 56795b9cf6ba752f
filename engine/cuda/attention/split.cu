// Split-K attention (flash-decoding): grid (token x head group, kv head, split). A block takes the
// query heads of one GQA group that read one kv head (up to GR of them, so each K/V row is read
// once for all of them) and one contiguous range of that token's visible keys. Its 4 warps walk
// the range 32 keys at a time, one key per lane for the scores (q rows in shared memory, 16-byte
// key loads), an online softmax per row, then the value rows with lanes over the value dims.
// Warps merge in shared memory; with splits > 1 each split writes (o, max, sum) and a second
// kernel merges the splits and adds the sink logit to the denominator (gpt-oss). All in fp32.
// int8 / fp8 pools (KT = KvI8 / KvE4M3) are staged as codes and dequantized on load, each element
// value(code) * its row's scale (kernels/kv_quant.cuh); a lane holds its key's k and v scales.
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

constexpr int kWarps = 4;

struct SplitParams {
  AttentionArgs a;
  KvView kv;
  float* part;    // splits > 1: [T * Hq, splits, v_dim + 2]
  int* counters;  // splits > 1: one per (blockIdx.x, blockIdx.y), zero between launches
  DeviceErrors* err;
  int64_t group, head_groups, splits, gr;
};

template <int DVL>
struct Rows {
  // Query rows per block: 4 for head dims up to 128 (bench-1b's GQA group, so no predicated-off
  // rows; a group of 8 takes two blocks, which also doubles the parallelism of a decode step).
  static constexpr int GR = DVL <= 4 ? 4 : DVL <= 8 ? 2 : 1;
};

template <class KT, int GR>
__device__ __forceinline__ void scores(const KT* krow, const float* qs, int64_t dqk, int nr,
                                       RowScale ks, int64_t split, float (&s)[GR]) {
  constexpr int E = 16 / sizeof(KT);
  const bool vec = dqk % E == 0 && reinterpret_cast<uintptr_t>(krow) % 16 == 0;
  if (vec) {
    for (int64_t c = 0; c < dqk; c += E) {
      const uint4 raw = *reinterpret_cast<const uint4*>(krow + c);
      const KT* kv = reinterpret_cast<const KT*>(&raw);
#pragma unroll
      for (int i = 0; i < E; ++i) {
        const float kf = kv_dequant(kv[i], c + i, ks.s0, ks.s1, split);
#pragma unroll
        for (int r = 0; r < GR; ++r)
          if (r < nr) s[r] = fmaf(qs[r * dqk + c + i], kf, s[r]);
      }
    }
  } else {
    for (int64_t c = 0; c < dqk; ++c) {
      const float kf = kv_dequant(krow[c], c, ks.s0, ks.s1, split);
#pragma unroll
      for (int r = 0; r < GR; ++r)
        if (r < nr) s[r] = fmaf(qs[r * dqk + c], kf, s[r]);
    }
  }
}

// Pad of a staged row: 16 bytes, so 16-byte row reads of 8 consecutive lanes hit distinct banks.
template <class KT>
constexpr int64_t row_pad() {
  return static_cast<int64_t>(16 / sizeof(KT));
}

// STAGED: each warp copies its tile's 32 key rows and 32 value rows into shared memory with
// independent 16-byte loads (all in flight at once) before using them; otherwise every lane reads
// its key row from global memory and the value rows are read four keys ahead (large head dims,
// where the staged tiles would not fit).
template <class KT, int DVL, bool STAGED>
__global__ void __launch_bounds__(kWarps * 32) attention_split_kernel(SplitParams p) {
  kernel_prologue();
  constexpr int GR = Rows<DVL>::GR;
  extern __shared__ float sm[];
  const AttentionArgs& a = p.a;
  const KvView& kv = p.kv;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int64_t t = blockIdx.x / p.head_groups, hg = blockIdx.x % p.head_groups, kvh = blockIdx.y,
                split = blockIdx.z;
  const int64_t h0 = kvh * p.group + hg * p.gr;
  const int nr = static_cast<int>(min(p.gr, p.group - hg * p.gr));
  const int64_t dqk = kv.qk_dim, dv = kv.v_dim;
  const int64_t kstr = dqk + row_pad<KT>(), vstr = dv + row_pad<KT>();
  float* qs = sm;               // [GR, dqk]
  float* mbuf = sm + GR * dqk;  // [warps, GR, dv + 2]
  // STAGED: per warp [32, kstr] keys then [32, vstr] values, 16-byte aligned.
  const int64_t mb = kWarps * GR * (dv + 2) > p.splits ? kWarps * GR * (dv + 2) : p.splits;
  KT* tiles = reinterpret_cast<KT*>((reinterpret_cast<uintptr_t>(mbuf + mb) + 15) & ~uintptr_t{15});
  KT* ks = tiles + warp * 32 * (kstr + vstr);
  KT* vs = ks + 32 * kstr;
  const int64_t pos = a.qpos[t];
  const bool pos_ok = pos >= 0 && pos < kv.length;
  if (!pos_ok && threadIdx.x == 0 && split == 0 && hg == 0 && kvh == 0)
    report(p.err, DeviceCheck::AttentionPosition, pos, kv.length);
  int64_t kb = 0, ke = 0;
  if (pos_ok) {
    const int64_t lo = first_key(a.mask, a.window, pos), span = pos - lo + 1;
    const int64_t per = ((span + p.splits - 1) / p.splits + 31) / 32 * 32;
    kb = min(pos + 1, lo + split * per);
    ke = min(pos + 1, kb + per);
  }
  for (int64_t i = threadIdx.x; i < GR * dqk; i += blockDim.x) {
    const int r = static_cast<int>(i / dqk);
    qs[i] = r < nr ? a.q[(t * a.Hq + h0 + r) * dqk + i % dqk] : 0.0f;
  }
  __syncthreads();

  constexpr int E = 16 / sizeof(KT);
  const bool vec =
      dqk % E == 0 && dv % E == 0;  // pools are 256-byte aligned: rows are then 16-byte aligned
  float m[GR], l[GR], o[GR][DVL];
#pragma unroll
  for (int r = 0; r < GR; ++r) {
    m[r] = -INFINITY;
    l[r] = 0.0f;
#pragma unroll
    for (int i = 0; i < DVL; ++i) o[r][i] = 0.0f;
  }
  const KT* kbase = static_cast<const KT*>(kv.k) + kvh * dqk;
  const KT* vbase = static_cast<const KT*>(kv.v) + kvh * dv;
  const int64_t kslot = kv.kv_heads * dqk, vslot = kv.kv_heads * dv;
  for (int64_t tile = kb + warp * 32; tile < ke; tile += kWarps * 32) {
    const int64_t j = tile + lane;
    const int64_t slot = j < ke ? kv_slot(kv, j, p.err) : -1;
    const int keys = ke - tile < 32 ? static_cast<int>(ke - tile) : 32;
    [[maybe_unused]] RowScale ksc = unit_scale(),
                              vsc = unit_scale();  // this lane's key's scales (coded pools)
    if constexpr (kv_coded<KT>)
      if (slot >= 0)
        ksc = kv_row_scale(kv.k_scale, kv, slot, kvh),
        vsc = kv_row_scale(kv.v_scale, kv, slot, kvh);
    if (STAGED) {
      // 32 key rows then 32 value rows, chunk c of row `key` by lane c % 32 (uniform trip counts).
      if (vec) {
        // Batches of 8 independent 16-byte loads per lane (keys then values), stored after the
        // batch: one memory round trip per batch, none per chunk. 32-bit index math.
        const int kc = static_cast<int>(dqk / E), vc = static_cast<int>(dv / E), total = kc + vc;
        const int slot32 = static_cast<int>(slot);
        for (int b = 0; b < total; b += 8) {
          uint4 v[8];
          int dst[8];
#pragma unroll
          for (int u = 0; u < 8; ++u) {
            const int it = b + u;
            const bool is_k = it < kc;
            const int cc = lane + 32 * (is_k ? it : it - kc), per = is_k ? kc : vc;
            const int key = cc / per, ch = cc % per;
            const int sk = __shfl_sync(0xffffffffu, slot32, key);
            v[u] = make_uint4(0, 0, 0, 0);
            dst[u] = -1;
            if (it < total) {
              dst[u] = is_k ? key * static_cast<int>(kstr) + ch * E
                            : static_cast<int>(32 * kstr) + key * static_cast<int>(vstr) + ch * E;
              if (sk >= 0)
                v[u] = *reinterpret_cast<const uint4*>(
                    (is_k ? kbase + static_cast<int64_t>(sk) * kslot
                          : vbase + static_cast<int64_t>(sk) * vslot) +
                    ch * E);
            }
          }
#pragma unroll
          for (int u = 0; u < 8; ++u)
            if (dst[u] >= 0) *reinterpret_cast<uint4*>(ks + dst[u]) = v[u];
        }
      } else {
        for (int64_t c = lane; c < 32 * dqk; c += 32) {
          const int key = static_cast<int>(c / dqk);
          const long long sk = __shfl_sync(0xffffffffu, static_cast<long long>(slot), key);
          ks[key * kstr + c % dqk] = sk >= 0 ? kbase[sk * kslot + c % dqk] : kv_zero<KT>();
        }
        for (int64_t c = lane; c < 32 * dv; c += 32) {
          const int key = static_cast<int>(c / dv);
          const long long sk = __shfl_sync(0xffffffffu, static_cast<long long>(slot), key);
          vs[key * vstr + c % dv] = sk >= 0 ? vbase[sk * vslot + c % dv] : kv_zero<KT>();
        }
      }
      __syncwarp();
    }
    float s[GR];
#pragma unroll
    for (int r = 0; r < GR; ++r) s[r] = 0.0f;
    if (slot >= 0) {
      scores<KT, GR>(STAGED ? ks + lane * kstr : kbase + slot * kslot, qs, dqk, nr, ksc,
                     kv.scale_split, s);
#pragma unroll
      for (int r = 0; r < GR; ++r) {
        s[r] *= a.scale;
        if (a.softcap > 0.0f) s[r] = a.softcap * tanhf(s[r] / a.softcap);
      }
    }
    float pr[GR];
#pragma unroll
    for (int r = 0; r < GR; ++r) {
      const float mt = warp_max(slot >= 0 ? s[r] : -INFINITY);
      const float mn = fmaxf(m[r], mt);
      if (mn == -INFINITY) {
        pr[r] = 0.0f;
        continue;
      }
      const float alpha = expf(m[r] - mn);  // exp(-inf) = 0 on the first keys
      pr[r] = slot >= 0 ? expf(s[r] - mn) : 0.0f;
      l[r] = l[r] * alpha + warp_sum(pr[r]);
#pragma unroll
      for (int i = 0; i < DVL; ++i) o[r][i] *= alpha;
      m[r] = mn;
    }
    if (STAGED) {
      for (int jj = 0; jj < keys; ++jj) {
        float pj[GR];
#pragma unroll
        for (int r = 0; r < GR; ++r) pj[r] = __shfl_sync(0xffffffffu, pr[r], jj);
        RowScale vj = unit_scale();
        if constexpr (kv_coded<KT>)
          vj = {__shfl_sync(0xffffffffu, vsc.s0, jj), __shfl_sync(0xffffffffu, vsc.s1, jj)};
        const KT* vrow = vs + jj * vstr;
#pragma unroll
        for (int i = 0; i < DVL; ++i) {
          const int64_t d = lane + 32 * i;
          if (d < dv) {
            const float vv = kv_dequant(vrow[d], d, vj.s0, vj.s1, kv.scale_split);
#pragma unroll
            for (int r = 0; r < GR; ++r) o[r][i] = fmaf(pj[r], vv, o[r][i]);
          }
        }
      }
      __syncwarp();  // the next tile overwrites this warp's rows
    } else {
      for (int j0 = 0; j0 < keys; j0 += 4) {
        float vv[4][DVL];  // four value rows in flight before their products
#pragma unroll
        for (int u = 0; u < 4; ++u) {
          const int jj = j0 + u < keys ? j0 + u : j0;
          const long long sj = __shfl_sync(0xffffffffu, static_cast<long long>(slot), jj);
          RowScale vj = unit_scale();
          if constexpr (kv_coded<KT>)
            vj = {__shfl_sync(0xffffffffu, vsc.s0, jj), __shfl_sync(0xffffffffu, vsc.s1, jj)};
#pragma unroll
          for (int i = 0; i < DVL; ++i) {
            const int64_t d = lane + 32 * i;
            vv[u][i] = (j0 + u < keys && sj >= 0 && d < dv)
                           ? kv_dequant(vbase[sj * vslot + d], d, vj.s0, vj.s1, kv.scale_split)
                           : 0.0f;
          }
        }
#pragma unroll
        for (int u = 0; u < 4; ++u) {
          const int jj = j0 + u < keys ? j0 + u : j0;
          float pj[GR];
#pragma unroll
          for (int r = 0; r < GR; ++r)
            pj[r] = j0 + u < keys ? __shfl_sync(0xffffffffu, pr[r], jj) : 0.0f;
#pragma unroll
          for (int i = 0; i < DVL; ++i)
#pragma unroll
            for (int r = 0; r < GR; ++r) o[r][i] = fmaf(pj[r], vv[u][i], o[r][i]);
        }
      }
    }
  }
  // Merge the warps: each writes its (m, l, o) rows, then the block combines them.
  const int64_t stride = dv + 2;
#pragma unroll
  for (int r = 0; r < GR; ++r) {
    float* b = mbuf + (warp * GR + r) * stride;
#pragma unroll
    for (int i = 0; i < DVL; ++i)
      if (lane + 32 * i < dv) b[lane + 32 * i] = o[r][i];
    if (lane == 0) {
      b[dv] = m[r];
      b[dv + 1] = l[r];
    }
  }
  __syncthreads();
  for (int r = 0; r < nr; ++r) {
    float M = -INFINITY;
    for (int w = 0; w < kWarps; ++w) M = fmaxf(M, mbuf[(w * GR + r) * stride + dv]);
    float wgt[kWarps], L = 0.0f;
    for (int w = 0; w < kWarps; ++w) {
      const float mw = mbuf[(w * GR + r) * stride + dv];
      wgt[w] = mw == -INFINITY ? 0.0f : expf(mw - M);
      L += wgt[w] * mbuf[(w * GR + r) * stride + dv + 1];
    }
    const int64_t h = h0 + r;
    if (p.splits == 1) {
      float f = 1.0f;
      if (a.sinks) {  // the sink joins the denominator only
        const float sk = a.sinks[h], M2 = fmaxf(M, sk);
        f = M == -INFINITY ? 0.0f : expf(M - M2);
        L = L * f + expf(sk - M2);
      }
      const float inv = L > 0.0f ? 1.0f / L : 0.0f;
      for (int64_t d = threadIdx.x; d < dv; d += blockDim.x) {
        float acc = 0.0f;
        for (int w = 0; w < kWarps; ++w) acc += wgt[w] * mbuf[(w * GR + r) * stride + d];
        a.out[(t * a.Hq + h) * dv + d] = acc * f * inv;
      }
    } else {
      float* dst = p.part + ((t * a.Hq + h) * p.splits + split) * stride;
      for (int64_t d = threadIdx.x; d < dv; d += blockDim.x) {
        float acc = 0.0f;
        for (int w = 0; w < kWarps; ++w) acc += wgt[w] * mbuf[(w * GR + r) * stride + d];
        dst[d] = acc;
      }
      if (threadIdx.x == 0) {
        dst[dv] = M;
        dst[dv + 1] = L;
      }
    }
  }
  if (p.splits == 1) return;
  // The last split of this (token, heads, kv head) to finish merges all of them (the counter is
  // left at zero for the next launch): rescale each split to the common max, sum, add the sink.
  __shared__ int last;
  __syncthreads();
  if (threadIdx.x == 0) {
    __threadfence();
    int* counter = p.counters + blockIdx.x * gridDim.y + blockIdx.y;
    last = atomicAdd(counter, 1) == p.splits - 1;
    if (last) *counter = 0;
  }
  __syncthreads();
  if (!last) return;
  __threadfence();
  // Merge in parallel: threads over splits for the maxima and sums (block reductions), then
  // threads over value dims, each summing its column over the splits with independent loads.
  float* wsplit = mbuf;  // reuse: [splits] weights (the block's own partials are written out)
  __shared__ float red[32];
  for (int r = 0; r < nr; ++r) {
    const int64_t row = t * a.Hq + h0 + r;
    const float* base = p.part + row * p.splits * stride;
    float mx = -INFINITY;
    for (int64_t sp = threadIdx.x; sp < p.splits; sp += blockDim.x)
      mx = fmaxf(mx, __ldcg(base + sp * stride + dv));
    const float M = block_max(mx, red);
    const float sk = a.sinks ? a.sinks[h0 + r] : -INFINITY;
    const float M2 = fmaxf(M, sk);
    float part_l = 0.0f;
    for (int64_t sp = threadIdx.x; sp < p.splits; sp += blockDim.x) {
      const float ms = __ldcg(base + sp * stride + dv);
      const float w = ms == -INFINITY ? 0.0f : expf(ms - M2);
      wsplit[sp] = w;
      part_l += w * __ldcg(base + sp * stride + dv + 1);
    }
    float L = block_sum(part_l, red);  // its barrier also publishes wsplit
    if (a.sinks) L += expf(sk - M2);
    const float inv = L > 0.0f ? 1.0f / L : 0.0f;
    for (int64_t d = threadIdx.x; d < dv; d += blockDim.x) {
      float acc = 0.0f;
#pragma unroll 8
      for (int64_t sp = 0; sp < p.splits; ++sp)
        acc = fmaf(wsplit[sp], __ldcg(base + sp * stride + d), acc);
      a.out[row * dv + d] = acc * inv;
    }
    __syncthreads();  // wsplit is rewritten for the next row
  }
}

template <class KT, int DVL, bool STAGED>
void launch_split(CudaBackend& be, const SplitParams& p, dim3 grid, unsigned smem) {
  allow_smem(attention_split_kernel<KT, DVL, STAGED>, smem);
  launch(be, attention_split_kernel<KT, DVL, STAGED>, grid, dim3(kWarps * 32), smem, p);
}

constexpr unsigned kMaxStagedSmem = 160 * 1024;

template <class KT>
void launch_split_typed(CudaBackend& be, SplitParams& p, int dvl, dim3 grid, int64_t dqk,
                        int64_t dv) {
  auto smem_for = [&](int gr, bool staged) {
    const int64_t tiles =
        staged ? kWarps * 32 * (dqk + dv + 2 * row_pad<KT>()) * static_cast<int64_t>(sizeof(KT))
               : 0;
    const int64_t mb =
        std::max<int64_t>(kWarps * gr * (dv + 2), p.splits);  // warp merge or split weights
    return static_cast<unsigned>((gr * dqk + mb) * static_cast<int64_t>(sizeof(float)) + tiles +
                                 16);
  };
  switch (dvl) {
    case 2:
      return launch_split<KT, 2, true>(be, p, grid, smem_for(Rows<2>::GR, true));
    case 4:
      if (smem_for(Rows<4>::GR, true) <= kMaxStagedSmem)
        return launch_split<KT, 4, true>(be, p, grid, smem_for(Rows<4>::GR, true));
      return launch_split<KT, 4, false>(be, p, grid, smem_for(Rows<4>::GR, false));
    case 8:
      if (smem_for(Rows<8>::GR, true) <= kMaxStagedSmem)
        return launch_split<KT, 8, true>(be, p, grid, smem_for(Rows<8>::GR, true));
      return launch_split<KT, 8, false>(be, p, grid, smem_for(Rows<8>::GR, false));
    case 16:
      return launch_split<KT, 16, false>(be, p, grid, smem_for(1, false));
    default:
      return launch_split<KT, 32, false>(be, p, grid, smem_for(1, false));
  }
}

}  // namespace

void attention_split(CudaBackend& be, const AttentionArgs& a, const KvView& kv) {
  SplitParams p{};
  p.a = a;
  p.kv = kv;
  p.err = be.device_errors();
  p.group = a.Hq / kv.kv_heads;
  const int64_t dv = kv.v_dim, dqk = kv.qk_dim;
  const int dvl = dv <= 64 ? 2 : dv <= 128 ? 4 : dv <= 256 ? 8 : dv <= 512 ? 16 : 32;
  const int64_t gr = dvl <= 4 ? 4 : dvl == 8 ? 2 : 1;
  p.gr = std::min<int64_t>(gr, p.group);
  p.head_groups = (p.group + p.gr - 1) / p.gr;
  // Splits. Few (token, kv head) blocks (decode): one split per 128 visible keys, so each warp
  // takes at most one tile of 32 and the kernel's latency is a handful of memory round trips
  // whatever the context. Many (prefill on the fp32 path): enough for two blocks per SM. Sized
  // from the block table's capacity rather than the length, so consecutive decode steps launch
  // the same grid (and replay one CUDA graph) until the table grows.
  int64_t span = kv.table_len * kv.block_size;
  if (a.mask != static_cast<int>(AttentionMask::Causal)) span = std::min(span, a.window);
  const int64_t blocks = a.T * p.head_groups * kv.kv_heads;
  const int64_t want = (2 * be.sm_count() + blocks - 1) / blocks;
  p.splits = blocks < 2 * be.sm_count()
                 ? std::max<int64_t>(1, std::min<int64_t>((span + 127) / 128, 1024))
                 : std::max<int64_t>(1, std::min<int64_t>({want, span / 128, 64}));
  std::shared_ptr<Buffer> part;
  if (p.splits > 1) {
    part = be.scratch(static_cast<size_t>(a.T * a.Hq * p.splits * (dv + 2)) * sizeof(float));
    p.part = static_cast<float*>(part->handle());
    p.counters = be.zeroed_counters(static_cast<size_t>(a.T * p.head_groups * kv.kv_heads));
  }
  const dim3 grid(static_cast<unsigned>(a.T * p.head_groups), static_cast<unsigned>(kv.kv_heads),
                  static_cast<unsigned>(p.splits));
  switch (kv.elem) {
    case FElem::BF16:
      launch_split_typed<__nv_bfloat16>(be, p, dvl, grid, dqk, dv);
      break;
    case FElem::F16:
      launch_split_typed<__half>(be, p, dvl, grid, dqk, dv);
      break;
    case FElem::I8:
      launch_split_typed<KvI8>(be, p, dvl, grid, dqk, dv);
      break;
    case FElem::E4M3:
      launch_split_typed<KvE4M3>(be, p, dvl, grid, dqk, dv);
      break;
    default:
      launch_split_typed<float>(be, p, dvl, grid, dqk, dv);
      break;
  }
}

}  // namespace archscope::cuda
