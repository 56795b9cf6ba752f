// Tensor-core flash attention for prefill, FlashAttention-2 style, over bf16/fp16 K/V pools with
// qk_dim == v_dim == D in {64, 128}. Grid (query heads, query tiles), the heaviest causal tiles
// first; warps of 16 query rows (8 per block for D = 64, 4 for D = 128); key tiles of 64.
//   - K and V rows go global -> shared with cp.async (no registers held for them), two stages:
//     tile i + 1 is in flight while tile i is computed. Rows keep their stored layout with a pad
//     of 8 elements (16 bytes), so the 8 rows an ldmatrix phase reads fall on distinct banks.
//   - S = Q K^T: K's B fragments by ldmatrix.x4 (two key groups of 8 per instruction); O += P V:
//     V's by ldmatrix.x4.trans, so V is never transposed by hand.
//   - Block-table lookups: one per key and tile, by 64 threads, two tiles ahead.
//   - Mask, scale, soft-cap and online softmax on the accumulators as attention/flash_tc.cu
//     does, in base-2 units (one ex2 per weight); a key tile that every row of a warp sees whole
//     skips the mask, one that no row of a warp sees is skipped by that warp; the tiles of a
//     block span only the union of its rows' visible ranges (causal tiles above the diagonal,
//     keys before a window or chunk are never loaded).
// Rounding as flash_tc.cu: q once to the pool type (u = 2^-8 bf16, 2^-11 fp16), P likewise,
// K and V exact, fp32 accumulation; ex2.approx within 2^-22 relative, far below P's rounding.
#include "backend/op_params.hpp"
#include "cuda/attention/attention_args.hpp"
#include "cuda/attention/mask.cuh"
#include "cuda/attention/mma.cuh"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/kv_view.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {

constexpr int BN = 64;
// Warps per block (16 query rows each): 8 for head dim 64, so a K/V tile staged once serves 128
// query rows (half the L2 traffic per FLOP of 4 warps); 4 for head dim 128 (232 registers).
template <int D>
constexpr int warps() {
  return D == 64 ? 8 : 4;
}

struct Fa2Params {
  AttentionArgs a;
  KvView kv;
  DeviceErrors* err;
  int64_t group;
};

constexpr float kLog2e = 1.4426950408889634f;

// 2^x on the SFU (ex2.approx: relative error within 2^-22 for the x <= 0 of a softmax weight;
// 2^-inf = 0).
__device__ __forceinline__ float ex2(float x) {
  float y;
  asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
  return y;
}

template <int D>
constexpr int stage_elems() {
  return 2 * BN * (D + 8);  // K then V, rows padded by 8
}
template <int D>
constexpr unsigned smem_bytes() {
  return 2u * stage_elems<D>() * 2u;  // two stages of 16-bit elements
}

template <class KT, int D>
__global__ void __launch_bounds__(warps<D>() * 32, 2) attention_fa2_kernel(Fa2Params p) {
  kernel_prologue();
  constexpr int NW = warps<D>(), kThreads = NW * 32, BM = NW * 16;
  constexpr int KP = D + 8, DK = D / 16, DN = D / 8, CH = D / 8, NC = BN * CH / kThreads;
  extern __shared__ __align__(128) unsigned char fa2_smem[];
  KT* const stages = reinterpret_cast<KT*>(fa2_smem);
  __shared__ int slots[2][BN];
  __shared__ int range_lo[NW], range_hi[NW];
  const AttentionArgs& a = p.a;
  const KvView& kv = p.kv;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, tq = lane & 3;
  const int64_t h = blockIdx.x, kvh = h / p.group;
  const int64_t tile = static_cast<int64_t>(gridDim.y) - 1 - blockIdx.y;  // late rows first
  const int64_t rA = tile * BM + warp * 16 + g, rB = rA + 8;

  // Positions fit an int (checked by the launcher).
  auto position = [&](int64_t r) -> int {
    if (r >= a.T) return -1;
    const int64_t pos = a.qpos[r];
    if (pos < 0 || pos >= kv.length) {
      if (h == 0) report(p.err, DeviceCheck::AttentionPosition, pos, kv.length);
      return -1;
    }
    return static_cast<int>(pos);
  };
  const int posA = position(rA), posB = position(rB);
  const int loA = posA >= 0 ? static_cast<int>(first_key(a.mask, a.window, posA)) : 0;
  const int loB = posB >= 0 ? static_cast<int>(first_key(a.mask, a.window, posB)) : 0;
  int lo = 0x7fffffff, hi = -1;  // the block's key range: the union of its rows' ranges
  if (posA >= 0) lo = min(lo, loA), hi = max(hi, posA);
  if (posB >= 0) lo = min(lo, loB), hi = max(hi, posB);
  // A key tile needs no mask for this warp when every one of its 16 rows is valid and sees the
  // whole tile. Warp-uniform, so the branch on it does not diverge.
  int all_valid = posA >= 0 && posB >= 0, wmin_pos = min(posA, posB), wmax_first = max(loA, loB);
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    lo = min(lo, __shfl_xor_sync(0xffffffffu, lo, o));
    hi = max(hi, __shfl_xor_sync(0xffffffffu, hi, o));
    all_valid &= __shfl_xor_sync(0xffffffffu, all_valid, o);
    wmin_pos = min(wmin_pos, __shfl_xor_sync(0xffffffffu, wmin_pos, o));
    wmax_first = max(wmax_first, __shfl_xor_sync(0xffffffffu, wmax_first, o));
  }
  // The warp's own range: a tile outside it is skipped by this warp (the causal diagonal of a
  // block, the window edges), though the block loads it for the others.
  const int wlo = lo, whi = hi;
  if (lane == 0) range_lo[warp] = lo, range_hi[warp] = hi;
  __syncthreads();
#pragma unroll
  for (int w = 0; w < NW; ++w) lo = min(lo, range_lo[w]), hi = max(hi, range_hi[w]);
  const int ntiles = lo <= hi ? (hi - lo) / BN + 1 : 0;

  const KT* const kbase = static_cast<const KT*>(kv.k) + kvh * D;
  const KT* const vbase = static_cast<const KT*>(kv.v) + kvh * D;
  const int64_t row_stride = kv.kv_heads * D;
  // Slots of the keys of the tile at kt0 (-1: past the range, or a bad table entry, reported).
  auto find_slots = [&](int kt0, int buf) {
    if (threadIdx.x < BN) {
      const int pos = kt0 + static_cast<int>(threadIdx.x);
      slots[buf][threadIdx.x] = pos <= hi ? static_cast<int>(kv_slot(kv, pos, p.err)) : -1;
    }
  };
  // The K and V rows of a tile into a stage; keys without a slot are zero-filled, so their
  // products are 0 and the masked P (exactly 0) times V stays 0.
  auto issue = [&](int buf, int stage) {
    KT* const ks = stages + stage * stage_elems<D>();
    KT* const vs = ks + BN * KP;
#pragma unroll
    for (int u = 0; u < NC; ++u) {
      const int idx = static_cast<int>(threadIdx.x) + kThreads * u, key = idx / CH, c = idx % CH;
      const int slot = slots[buf][key];
      const int64_t off = slot >= 0 ? static_cast<int64_t>(slot) * row_stride + c * 8 : 0;
      cp_async16(ks + key * KP + c * 8, kbase + off, slot >= 0 ? 16 : 0);
      cp_async16(vs + key * KP + c * 8, vbase + off, slot >= 0 ? 16 : 0);
    }
  };
  if (ntiles > 0) {
    find_slots(lo, 0);
    if (ntiles > 1) find_slots(lo + BN, 1);
    __syncthreads();
    issue(0, 0);
    cp_async_commit();
  }

  // Q fragments (row-major A of m16n8k16), rounded once to the pool type.
  uint32_t qa[DK][4];
  {
    const float* qA = a.q + (rA * a.Hq + h) * D;
    const float* qB = a.q + (rB * a.Hq + h) * D;
#pragma unroll
    for (int ks = 0; ks < DK; ++ks) {
      const int c0 = ks * 16 + 2 * tq, c1 = c0 + 8;
      const float2 z = make_float2(0.0f, 0.0f);
      const float2 a0 = rA < a.T ? *reinterpret_cast<const float2*>(qA + c0) : z;
      const float2 a1 = rB < a.T ? *reinterpret_cast<const float2*>(qB + c0) : z;
      const float2 a2 = rA < a.T ? *reinterpret_cast<const float2*>(qA + c1) : z;
      const float2 a3 = rB < a.T ? *reinterpret_cast<const float2*>(qB + c1) : z;
      qa[ks][0] = pack2<KT>(a0.x, a0.y);
      qa[ks][1] = pack2<KT>(a1.x, a1.y);
      qa[ks][2] = pack2<KT>(a2.x, a2.y);
      qa[ks][3] = pack2<KT>(a3.x, a3.y);
    }
  }
  float o[DN][4];
#pragma unroll
  for (int n = 0; n < DN; ++n) o[n][0] = o[n][1] = o[n][2] = o[n][3] = 0.0f;
  // Scores in base-2 units (scale * log2 e folded into the scale), so each weight is one ex2.
  const float scale2 = a.scale * kLog2e;
  float mA = -INFINITY, mB = -INFINITY, lA = 0.0f, lB = 0.0f;  // l: this thread's partial sums
  // ldmatrix addressing: lane l names row l % 8 of matrix l / 8.
  const int lm = lane >> 3, lr = lane & 7;

  for (int it = 0; it < ntiles; ++it) {
    const int kt = lo + it * BN;
    if (it + 1 < ntiles) issue((it + 1) & 1, (it + 1) & 1);
    cp_async_commit();   // possibly empty: keeps "all but the newest group" meaning tile it
    cp_async_wait<1>();  // this thread's copies of tile it have landed
    __syncthreads();     // everyone's have; slots[it & 1] is free again
    if (it + 2 < ntiles) find_slots(kt + 2 * BN, it & 1);
    const KT* const Ks = stages + (it & 1) * stage_elems<D>();
    const KT* const Vs = Ks + BN * KP;
    if (whi >= kt && wlo <= kt + BN - 1) {  // else no row of this warp sees a key of the tile
      float s[BN / 8][4];
#pragma unroll
      for (int n = 0; n < BN / 8; ++n) s[n][0] = s[n][1] = s[n][2] = s[n][3] = 0.0f;
#pragma unroll
      for (int ks = 0; ks < DK; ++ks)
#pragma unroll
        for (int nb = 0; nb < BN / 16; ++nb) {
          // Matrices: keys nb*16 + {0..7, 0..7, 8..15, 8..15} x dims ks*16 + {0..7, 8..15, ...}:
          // b0, b1 of key group 2 nb, then of 2 nb + 1.
          uint32_t b[4];
          ldmatrix_x4(b, Ks + (nb * 16 + (lm >> 1) * 8 + lr) * KP + ks * 16 + (lm & 1) * 8);
          mma16816<KT>(s[2 * nb], qa[ks], b[0], b[1]);
          mma16816<KT>(s[2 * nb + 1], qa[ks], b[2], b[3]);
        }
      // Scale, soft-cap and mask; row maxima over the quad that holds the row.
      float tmA = -INFINITY, tmB = -INFINITY;
      const bool unmasked = all_valid && kt >= wmax_first && kt + BN - 1 <= wmin_pos;
      if (unmasked) {
#pragma unroll
        for (int n = 0; n < BN / 8; ++n)
#pragma unroll
          for (int e = 0; e < 4; ++e) {
            float v = s[n][e] * scale2;
            if (a.softcap > 0.0f) v = a.softcap * tanhf(s[n][e] * a.scale / a.softcap) * kLog2e;
            s[n][e] = v;
            if (e < 2)
              tmA = fmaxf(tmA, v);
            else
              tmB = fmaxf(tmB, v);
          }
      } else {
#pragma unroll
        for (int n = 0; n < BN / 8; ++n)
#pragma unroll
          for (int e = 0; e < 4; ++e) {
            const int key = kt + n * 8 + 2 * tq + (e & 1);
            const bool rowA = e < 2;
            const int pos = rowA ? posA : posB, first = rowA ? loA : loB;
            float v = s[n][e] * scale2;
            if (a.softcap > 0.0f) v = a.softcap * tanhf(s[n][e] * a.scale / a.softcap) * kLog2e;
            v = pos >= 0 && key >= first && key <= pos ? v : -INFINITY;
            s[n][e] = v;
            if (rowA)
              tmA = fmaxf(tmA, v);
            else
              tmB = fmaxf(tmB, v);
          }
      }
      tmA = fmaxf(tmA, __shfl_xor_sync(0xffffffffu, tmA, 1));
      tmA = fmaxf(tmA, __shfl_xor_sync(0xffffffffu, tmA, 2));
      tmB = fmaxf(tmB, __shfl_xor_sync(0xffffffffu, tmB, 1));
      tmB = fmaxf(tmB, __shfl_xor_sync(0xffffffffu, tmB, 2));
      const float nA = fmaxf(mA, tmA), nB = fmaxf(mB, tmB);
      const float alA = nA == -INFINITY ? 1.0f : ex2(mA - nA),
                  alB = nB == -INFINITY ? 1.0f : ex2(mB - nB);
      // A row with nothing visible yet keeps m = -inf: subtract 0 instead, so exp(-inf) = 0.
      const float subA = nA == -INFINITY ? 0.0f : nA, subB = nB == -INFINITY ? 0.0f : nB;
      float sumA = 0.0f, sumB = 0.0f;
#pragma unroll
      for (int n = 0; n < BN / 8; ++n) {
        s[n][0] = ex2(s[n][0] - subA);
        s[n][1] = ex2(s[n][1] - subA);
        s[n][2] = ex2(s[n][2] - subB);
        s[n][3] = ex2(s[n][3] - subB);
        sumA += s[n][0] + s[n][1];
        sumB += s[n][2] + s[n][3];
      }
      lA = lA * alA + sumA;
      lB = lB * alB + sumB;
      mA = nA;
      mB = nB;
#pragma unroll
      for (int n = 0; n < DN; ++n) {
        o[n][0] *= alA;
        o[n][1] *= alA;
        o[n][2] *= alB;
        o[n][3] *= alB;
      }
#pragma unroll
      for (int j = 0; j < BN / 16; ++j) {
        const uint32_t pa[4] = {pack2<KT>(s[2 * j][0], s[2 * j][1]),
                                pack2<KT>(s[2 * j][2], s[2 * j][3]),
                                pack2<KT>(s[2 * j + 1][0], s[2 * j + 1][1]),
                                pack2<KT>(s[2 * j + 1][2], s[2 * j + 1][3])};
#pragma unroll
        for (int nd = 0; nd < DN / 2; ++nd) {
          // Matrices: keys j*16 + {0..7, 8..15, 0..7, 8..15} x dims nd*16 + {0..7, 0..7, 8..15,
          // 8..15}, transposed: b0, b1 of dim group 2 nd, then of 2 nd + 1.
          uint32_t b[4];
          ldmatrix_x4_trans(b, Vs + (j * 16 + (lm & 1) * 8 + lr) * KP + nd * 16 + (lm >> 1) * 8);
          mma16816<KT>(o[2 * nd], pa, b[0], b[1]);
          mma16816<KT>(o[2 * nd + 1], pa, b[2], b[3]);
        }
      }
    }
    __syncthreads();  // stage it & 1 is refilled by the next iteration's issue
  }
  lA += __shfl_xor_sync(0xffffffffu, lA, 1);
  lA += __shfl_xor_sync(0xffffffffu, lA, 2);
  lB += __shfl_xor_sync(0xffffffffu, lB, 1);
  lB += __shfl_xor_sync(0xffffffffu, lB, 2);
  float fA = 1.0f, fB = 1.0f;
  if (a.sinks) {  // the sink logit joins the denominator only
    const float sk = a.sinks[h] * kLog2e;
    const float MA = fmaxf(mA, sk), MB = fmaxf(mB, sk);
    fA = mA == -INFINITY ? 0.0f : exp2f(mA - MA);
    fB = mB == -INFINITY ? 0.0f : exp2f(mB - MB);
    lA = lA * fA + exp2f(sk - MA);
    lB = lB * fB + exp2f(sk - MB);
  }
  const float iA = lA > 0.0f ? fA / lA : 0.0f, iB = lB > 0.0f ? fB / lB : 0.0f;
  if (rA < a.T) {
    float* y = a.out + (rA * a.Hq + h) * D;
#pragma unroll
    for (int n = 0; n < DN; ++n)
      *reinterpret_cast<float2*>(y + n * 8 + 2 * tq) = make_float2(o[n][0] * iA, o[n][1] * iA);
  }
  if (rB < a.T) {
    float* y = a.out + (rB * a.Hq + h) * D;
#pragma unroll
    for (int n = 0; n < DN; ++n)
      *reinterpret_cast<float2*>(y + n * 8 + 2 * tq) = make_float2(o[n][2] * iB, o[n][3] * iB);
  }
}

template <class KT, int D>
bool launch_fa2(CudaBackend& be, const Fa2Params& p) {
  constexpr unsigned smem = smem_bytes<D>();
  if (smem > 48 * 1024 &&
      cudaFuncSetAttribute(reinterpret_cast<const void*>(attention_fa2_kernel<KT, D>),
                           cudaFuncAttributeMaxDynamicSharedMemorySize,
                           static_cast<int>(smem)) != cudaSuccess) {
    cudaGetLastError();  // clear it: the caller falls back to attention/flash_tc.cu
    return false;
  }
  constexpr int NW = warps<D>();
  launch(be, attention_fa2_kernel<KT, D>,
         dim3(static_cast<unsigned>(p.a.Hq), static_cast<unsigned>(ceil_div(p.a.T, NW * 16))),
         dim3(NW * 32), smem, p);
  return true;
}

}  // namespace

bool attention_flash_fa2(CudaBackend& be, const AttentionArgs& a, const KvView& kv) {
  const int64_t D = kv.qk_dim;
  if (kv.elem == FElem::F32 || kv.velem != kv.elem || kv.v_dim != D || (D != 64 && D != 128))
    return false;
  if (kv.table_len * kv.block_size >= (int64_t{1} << 30)) return false;  // positions fit an int
  if (kv.blocks * kv.block_size >= (int64_t{1} << 31)) return false;     // slots fit an int
  if (ceil_div(a.T, 64) > 65535) return false;                           // grid y
  // 16-byte K/V rows (pools come from the allocator, 256-byte aligned, rows of D elements) and
  // 8-byte q pairs and output pairs.
  if (reinterpret_cast<uintptr_t>(a.q) % 8 != 0 || reinterpret_cast<uintptr_t>(kv.k) % 16 != 0 ||
      reinterpret_cast<uintptr_t>(kv.v) % 16 != 0 || reinterpret_cast<uintptr_t>(a.out) % 8 != 0)
    return false;
  Fa2Params p{};
  p.a = a;
  p.kv = kv;
  p.err = be.device_errors();
  p.group = a.Hq / kv.kv_heads;
  if (kv.elem == FElem::BF16)
    return D == 64 ? launch_fa2<__nv_bfloat16, 64>(be, p) : launch_fa2<__nv_bfloat16, 128>(be, p);
  return D == 64 ? launch_fa2<__half, 64>(be, p) : launch_fa2<__half, 128>(be, p);
}

}  // namespace archscope::cuda
