// Tensor-core flash attention (FlashAttention-2 layout) for prefill over bf16/fp16 K/V pools,
// qk_dim == v_dim == D in {64, 128}. Grid (query tiles of 64, query heads); 4 warps, each 16 query
// rows. Per key tile of 64: K rows are staged in shared memory as stored, V transposed (so both
// mma B operands are plain 32-bit shared loads, row pads of 8 elements keep the 32 lanes on
// distinct banks), S = Q K^T with mma.sync m16n8k16 (fp32 accumulation), mask/scale/soft-cap on
// the accumulators, online softmax per row (a row's 64 scores live in one quad of lanes), P
// rounded to the pool type as the A operand of O += P V. q is rounded once to the pool type
// (relative error u = 2^-8 for bf16, 2^-11 for fp16), P likewise; K and V are exact. The
// exponentials use the SFU (__expf: within 2 ulp plus |x| 2^-22 relative for the |x| <= ~30 of
// a softmax, far below P's rounding to the pool type).
#include "backend/op_params.hpp"
#include "cuda/attention/attention_args.hpp"
#include "cuda/attention/mask.cuh"
#include "cuda/attention/mma.cuh"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/kv_view.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {

constexpr int BM = 64, BN = 64;

struct FlashParams {
  AttentionArgs a;
  KvView kv;
  DeviceErrors* err;
  int64_t group;
};

template <class KT, int D>
__global__ void __launch_bounds__(128) attention_flash_tc_kernel(FlashParams p) {
  kernel_prologue();
  constexpr int KP = D + 8, VP = BN + 8, DK = D / 16, DN = D / 8;
  __shared__ alignas(16) KT Ks[BN * KP];
  __shared__ alignas(16) KT Vt[D * VP];
  __shared__ long long range_lo[4], range_hi[4];
  const AttentionArgs& a = p.a;
  const KvView& kv = p.kv;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, tq = lane & 3;
  const int64_t h = blockIdx.y, kvh = h / p.group;
  const int64_t rA = static_cast<int64_t>(blockIdx.x) * BM + warp * 16 + g, rB = rA + 8;

  auto position = [&](int64_t r) -> int64_t {
    if (r >= a.T) return -1;
    const int64_t pos = a.qpos[r];
    if (pos < 0 || pos >= kv.length) {
      if (h == 0) report(p.err, DeviceCheck::AttentionPosition, pos, kv.length);
      return -1;
    }
    return pos;
  };
  const int64_t posA = position(rA), posB = position(rB);
  const int64_t loA = posA >= 0 ? first_key(a.mask, a.window, posA) : 0;
  const int64_t loB = posB >= 0 ? first_key(a.mask, a.window, posB) : 0;
  // The block's key range: the union of its rows' visible ranges.
  long long lo = 0x7fffffffffffffffll, hi = -1;
  if (posA >= 0)
    lo = min(lo, static_cast<long long>(loA)), hi = max(hi, static_cast<long long>(posA));
  if (posB >= 0)
    lo = min(lo, static_cast<long long>(loB)), hi = max(hi, static_cast<long long>(posB));
  for (int o = 16; o > 0; o >>= 1) {
    lo = min(lo, __shfl_xor_sync(0xffffffffu, lo, o));
    hi = max(hi, __shfl_xor_sync(0xffffffffu, hi, o));
  }
  // A key tile needs no mask for this warp when every one of its 16 rows is valid and sees the
  // whole tile: most tiles of a long prefill. Warp-uniform, so the branch below does not diverge.
  int all_valid = posA >= 0 && posB >= 0, wmin_pos = static_cast<int>(min(posA, posB)),
      wmax_first = static_cast<int>(max(loA, loB));
  for (int o = 16; o > 0; o >>= 1) {
    all_valid &= __shfl_xor_sync(0xffffffffu, all_valid, o);
    wmin_pos = min(wmin_pos, __shfl_xor_sync(0xffffffffu, wmin_pos, o));
    wmax_first = max(wmax_first, __shfl_xor_sync(0xffffffffu, wmax_first, o));
  }
  if (lane == 0) range_lo[warp] = lo, range_hi[warp] = hi;
  __syncthreads();
  lo = min(min(range_lo[0], range_lo[1]), min(range_lo[2], range_lo[3]));
  hi = max(max(range_hi[0], range_hi[1]), max(range_hi[2], range_hi[3]));

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
  float mA = -INFINITY, mB = -INFINITY, lA = 0.0f, lB = 0.0f;  // l: this thread's partial sums
  const KT* kbase = static_cast<const KT*>(kv.k) + kvh * D;
  const KT* vbase = static_cast<const KT*>(kv.v) + kvh * D;

  // Software pipeline over key tiles: the next tile's slots (block-table lookups, one per key) and
  // its K/V rows (NK 16-byte loads of each per thread) are fetched into registers while the
  // current tile is computed from shared memory.
  constexpr int NK = BN * (D / 8) / 128;
  __shared__ int slots[2][BN];
  uint4 kreg[NK], vreg[NK];
  auto find_slots = [&](long long kt0, int buf) {
    if (threadIdx.x < BN) {
      const long long pos = kt0 + threadIdx.x;
      slots[buf][threadIdx.x] = pos <= hi ? static_cast<int>(kv_slot(kv, pos, p.err)) : -1;
    }
  };
  auto fetch = [&](int buf) {
#pragma unroll
    for (int u = 0; u < NK; ++u) {
      const int idx = threadIdx.x + 128 * u;
      const int kk = idx / (D / 8), kc = idx % (D / 8), vk = idx % BN, vc = idx / BN;
      const int ks_ = slots[buf][kk], vs_ = slots[buf][vk];
      kreg[u] = ks_ >= 0 ? *reinterpret_cast<const uint4*>(
                               kbase + static_cast<int64_t>(ks_) * kv.kv_heads * D + kc * 8)
                         : make_uint4(0, 0, 0, 0);
      vreg[u] = vs_ >= 0 ? *reinterpret_cast<const uint4*>(
                               vbase + static_cast<int64_t>(vs_) * kv.kv_heads * D + vc * 8)
                         : make_uint4(0, 0, 0, 0);
    }
  };
  if (lo <= hi) {
    find_slots(lo, 0);
    __syncthreads();
    fetch(0);
  }
  int it = 0;
  for (long long kt = lo; kt <= hi; kt += BN, ++it) {
    __syncthreads();  // the previous tile's readers are done
#pragma unroll
    for (int u = 0; u < NK; ++u) {
      const int idx = threadIdx.x + 128 * u;
      *reinterpret_cast<uint4*>(&Ks[(idx / (D / 8)) * KP + (idx % (D / 8)) * 8]) = kreg[u];
      const KT* e = reinterpret_cast<const KT*>(&vreg[u]);
      const int vk = idx % BN, vc = idx / BN;
#pragma unroll
      for (int i = 0; i < 8; ++i) Vt[(vc * 8 + i) * VP + vk] = e[i];
    }
    const bool more = kt + BN <= hi;
    if (more) find_slots(kt + BN, (it + 1) & 1);
    __syncthreads();
    if (more) fetch((it + 1) & 1);

    float s[BN / 8][4];
#pragma unroll
    for (int n = 0; n < BN / 8; ++n) {
      s[n][0] = s[n][1] = s[n][2] = s[n][3] = 0.0f;
#pragma unroll
      for (int ks = 0; ks < DK; ++ks) {
        const KT* kr = &Ks[(n * 8 + g) * KP + ks * 16 + 2 * tq];
        mma16816<KT>(s[n], qa[ks], *reinterpret_cast<const uint32_t*>(kr),
                     *reinterpret_cast<const uint32_t*>(kr + 8));
      }
    }
    // Scale, soft-cap and mask; row maxima over the quad that holds the row.
    float tmA = -INFINITY, tmB = -INFINITY;
    const bool unmasked = all_valid && kt >= wmax_first && kt + BN - 1 <= wmin_pos;
    if (unmasked) {
#pragma unroll
      for (int n = 0; n < BN / 8; ++n)
#pragma unroll
        for (int e = 0; e < 4; ++e) {
          float v = s[n][e] * a.scale;
          if (a.softcap > 0.0f) v = a.softcap * tanhf(v / a.softcap);
          s[n][e] = v;
          if (e < 2)
            tmA = fmaxf(tmA, v);
          else
            tmB = fmaxf(tmB, v);
        }
    } else {
      const int pA = static_cast<int>(posA), pB = static_cast<int>(posB),
                fA = static_cast<int>(loA), fB = static_cast<int>(loB);
#pragma unroll
      for (int n = 0; n < BN / 8; ++n)
#pragma unroll
        for (int e = 0; e < 4; ++e) {
          const int key = static_cast<int>(kt) + n * 8 + 2 * tq + (e & 1);
          const bool rowA = e < 2;
          const int pos = rowA ? pA : pB, first = rowA ? fA : fB;
          float v = s[n][e] * a.scale;
          if (a.softcap > 0.0f) v = a.softcap * tanhf(v / a.softcap);
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
    const float alA = nA == -INFINITY ? 1.0f : __expf(mA - nA),
                alB = nB == -INFINITY ? 1.0f : __expf(mB - nB);
    float sumA = 0.0f, sumB = 0.0f;
#pragma unroll
    for (int n = 0; n < BN / 8; ++n) {
      s[n][0] = nA == -INFINITY ? 0.0f : __expf(s[n][0] - nA);
      s[n][1] = nA == -INFINITY ? 0.0f : __expf(s[n][1] - nA);
      s[n][2] = nB == -INFINITY ? 0.0f : __expf(s[n][2] - nB);
      s[n][3] = nB == -INFINITY ? 0.0f : __expf(s[n][3] - nB);
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
      const uint32_t pa[4] = {
          pack2<KT>(s[2 * j][0], s[2 * j][1]), pack2<KT>(s[2 * j][2], s[2 * j][3]),
          pack2<KT>(s[2 * j + 1][0], s[2 * j + 1][1]), pack2<KT>(s[2 * j + 1][2], s[2 * j + 1][3])};
#pragma unroll
      for (int n = 0; n < DN; ++n) {
        const KT* vr = &Vt[(n * 8 + g) * VP + j * 16 + 2 * tq];
        mma16816<KT>(o[n], pa, *reinterpret_cast<const uint32_t*>(vr),
                     *reinterpret_cast<const uint32_t*>(vr + 8));
      }
    }
  }
  lA += __shfl_xor_sync(0xffffffffu, lA, 1);
  lA += __shfl_xor_sync(0xffffffffu, lA, 2);
  lB += __shfl_xor_sync(0xffffffffu, lB, 1);
  lB += __shfl_xor_sync(0xffffffffu, lB, 2);
  float fA = 1.0f, fB = 1.0f;
  if (a.sinks) {  // the sink logit joins the denominator only
    const float sk = a.sinks[h];
    const float MA = fmaxf(mA, sk), MB = fmaxf(mB, sk);
    fA = mA == -INFINITY ? 0.0f : expf(mA - MA);
    fB = mB == -INFINITY ? 0.0f : expf(mB - MB);
    lA = lA * fA + expf(sk - MA);
    lB = lB * fB + expf(sk - MB);
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
void launch_tc(CudaBackend& be, const FlashParams& p) {
  launch(be, attention_flash_tc_kernel<KT, D>,
         dim3(ceil_div(p.a.T, BM), static_cast<unsigned>(p.a.Hq)), dim3(128), 0, p);
}

}  // namespace

bool attention_flash_tc(CudaBackend& be, const AttentionArgs& a, const KvView& kv) {
  const int64_t D = kv.qk_dim;
  if (kv.elem == FElem::F32 || kv.v_dim != D || (D != 64 && D != 128)) return false;
  // 16-byte rows of K/V and 8-byte q pairs: the pools come from the allocator (256-byte aligned)
  // and a row is D elements, so only q needs a check.
  if (kv.table_len * kv.block_size >= (int64_t{1} << 30)) return false;  // positions fit an int
  if (reinterpret_cast<uintptr_t>(a.q) % 8 != 0 || reinterpret_cast<uintptr_t>(kv.k) % 16 != 0 ||
      reinterpret_cast<uintptr_t>(kv.v) % 16 != 0 || reinterpret_cast<uintptr_t>(a.out) % 8 != 0)
    return false;
  FlashParams p{};
  p.a = a;
  p.kv = kv;
  p.err = be.device_errors();
  p.group = a.Hq / kv.kv_heads;
  if (kv.elem == FElem::BF16) {
    if (D == 64)
      launch_tc<__nv_bfloat16, 64>(be, p);
    else
      launch_tc<__nv_bfloat16, 128>(be, p);
  } else {
    if (D == 64)
      launch_tc<__half, 64>(be, p);
    else
      launch_tc<__half, 128>(be, p);
  }
  return true;
}

}  // namespace archscope::cuda
