// The direct packed decode GEMV (packed_gemv.hpp): the weights go from global memory straight
// into registers, no shared-memory copy and no block-wide barrier before the decode, so every
// warp keeps its own loads in flight and overlaps them with the decode of the previous batch.
//  - A warp owns 4 consecutive weight rows and a share of their K: the `ks` warps of a row group
//    (8, 4, 2 or 1 of the block's 8; more when the matrix has few rows) take every ks-th
//    iteration, an iteration being 32 / kLanes consecutive blocks of each of the 4 rows.
//  - Lane `sub` of a block loads its 4 value bytes (packed_decode.cuh's q_off) as one aligned
//    word, or as two when the block layout puts them across a word boundary (q8_0 and q4_0 every
//    other block, mxfp4 three blocks in four), and the block's head (its inline scale fields);
//    the loads of the next batch of kU iterations are issued before the current batch is
//    decoded (double buffering in registers).
//  - The activations of the lane's columns are loaded once per iteration and used for all 4
//    rows, so the activation reads from L1 stay below the weight bytes even at 4 bits.
//  - Arithmetic as in the staged kernel (packed_gemv.cu): value * x summed per lane and block in
//    fp32 from 0, times the block scale, accumulated in fp32; warp and cross-warp sums at the end.
// Conditions (checked by the launcher; otherwise the staged kernel runs): the weights 4-byte
// aligned and every row a multiple of 4 bytes, so a row starts word-aligned and an aligned word
// that holds one byte of the matrix lies inside it.
// Before the programmatic-dependent-launch wait each lane asks L2 for the lines of its first
// batch (weights are never written by the kernel before it; L2 is the coherence point).
// This file is the 64-register variant (from branch q-cuda2-next, ced5340): one iteration per
// batch (two in flight with the double buffer) and 64 registers at T = 1 (4 blocks of 8 warps
// per SM), 32-bit in-row indices, an optional L2 prefetch `ahead` batches ahead
// (ARCHSCOPE_PACKED_GEMV_DIRECT64=warps_per_sm,ahead). Measured on the H200 (docs/quant-cuda.md)
// 5-25% faster over a decode step than packed_gemv_direct.cu for q8_0, q4_0, mxfp4 and nf4;
// launch_packed_gemv's Auto takes it there at T = 1 (packed_gemv.cu).
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"
#include "cuda/quant/nf4_table.cuh"
#include "cuda/quant/packed_decode.cuh"
#include "cuda/quant/packed_gemv_kernels.hpp"

namespace archscope::cuda {

namespace direct64 {
namespace {

using packed::Fmt;

constexpr int kWarps = 8;
constexpr int kRows = 4;  // weight rows per warp

struct DirectParams {
  const float* x;
  const uint8_t* w;
  const float* scales;
  const float* bias;
  float* out;
  int64_t T, N, K;
  int64_t nb;         // blocks per row
  int64_t row_bytes;  // multiple of 4
  int64_t scale_cols;
  int ks;     // warps per row group
  int ahead;  // L2 prefetch distance in batches (0: none)
  int x_vec;  // x 16-byte aligned with K % 4 == 0: float4 activation loads
};

// A lane's raw share of one block of one row: the aligned word holding its first value byte, the
// next word when the 4 bytes cross into it, and the head.
struct Raw {
  uint32_t lo, hi, head;
};

template <PackedFormat PF>
__device__ __forceinline__ constexpr bool value_word_aligned() {
  // Blocks of a multiple of 4 bytes with the values at a multiple of 4: int4-g128, nf4 and the
  // channel formats' 128-byte column blocks.
  return Fmt<PF>::kBytes % 4 == 0 && Fmt<PF>::q_off(0) % 4 == 0;
}

// Bit shift of the lane's value bytes inside `lo`: the row starts word-aligned.
template <PackedFormat PF>
__device__ __forceinline__ uint32_t value_shift(int jj, int sub) {
  if constexpr (value_word_aligned<PF>()) return 0;
  return static_cast<uint32_t>((jj * Fmt<PF>::kBytes + Fmt<PF>::q_off(sub)) & 3) * 8u;
}

template <PackedFormat PF>
__device__ __forceinline__ Raw load_raw(const DirectParams& p, const uint8_t* row, int64_t n,
                                        int jj, int sub) {
  using F = Fmt<PF>;
  const uint8_t* blk = row + static_cast<uint32_t>(jj * F::kBytes);
  const uint8_t* a = blk + F::q_off(sub);
  Raw r{0, 0, 0};
  // The channel formats' last 128-column block of a row ends at K (no padding): words past it
  // belong to the next row or lie past the matrix.
  if constexpr (F::kBytes == F::kB)
    if (jj * F::kB + F::q_off(sub) >= static_cast<int>(p.K)) return r;
  const uint32_t* wp =
      reinterpret_cast<const uint32_t*>(reinterpret_cast<uintptr_t>(a) & ~uintptr_t{3});
  r.lo = __ldg(wp);
  if constexpr (!value_word_aligned<PF>())
    if (reinterpret_cast<uintptr_t>(a) & 3) r.hi = __ldg(wp + 1);
  if constexpr (F::kHead == 1) r.head = __ldg(blk);
  if constexpr (F::kHead == 2) r.head = __ldg(reinterpret_cast<const unsigned short*>(blk));
  if constexpr (F::kHead == 4) r.head = __ldg(reinterpret_cast<const uint32_t*>(blk));
  if constexpr (F::kHead < 0)
    r.head = __float_as_uint(__ldg(p.scales + (n / 128) * p.scale_cols + jj));
  return r;
}

template <PackedFormat PF, int TT>
__global__ void __launch_bounds__(kWarps * 32, TT == 1   ? 4
                                               : TT == 2 ? 2
                                                         : 1)
    packed_gemv_direct_kernel(DirectParams p) {
  using F = Fmt<PF>;
  constexpr int kBpi = 32 / F::kLanes;        // blocks per warp iteration
  constexpr int kRunLen = F::kEl / F::kRuns;  // consecutive columns per run (4 or 8)
  constexpr int kU = 1;                       // iterations per batch
  __shared__ float partial[kWarps][kRows][TT];
  __shared__ float nf4_lut[16];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int ks = p.ks, group = warp / ks, kw = warp % ks;
  const int64_t n0 = (static_cast<int64_t>(blockIdx.x) * (kWarps / ks) + group) * kRows;
  const int sub = lane % F::kLanes, lblk = lane / F::kLanes;
  const int nb = static_cast<int>(p.nb), K = static_cast<int>(p.K);
  const int iters = (nb + kBpi - 1) / kBpi;
  const uint8_t* rowp[kRows];
  int64_t rown[kRows];
#pragma unroll
  for (int r = 0; r < kRows; ++r) {
    rown[r] = n0 + r < p.N ? n0 + r : p.N - 1;  // rows past N repeat the last (not stored)
    rowp[r] = p.w + rown[r] * p.row_bytes;
  }
  if (kw < iters && kw * kBpi + lblk < nb)
#pragma unroll
    for (int r = 0; r < kRows; ++r)
      asm volatile("prefetch.global.L2 [%0];" ::"l"(rowp[r] + (kw * kBpi + lblk) * F::kBytes +
                                                    F::q_off(sub)));
  if (PF == PackedFormat::Nf4 && tid < 16) nf4_lut[tid] = packed::kNf4CodesDevice[tid];
  kernel_prologue();
  if (PF == PackedFormat::Nf4) __syncthreads();

  float acc[kRows][TT];
#pragma unroll
  for (int r = 0; r < kRows; ++r)
#pragma unroll
    for (int t = 0; t < TT; ++t) acc[r][t] = 0.0f;

  auto load_batch = [&](int it0, Raw(&buf)[kU][kRows]) {
    if (p.ahead > 0) {  // lines of a later batch into L2: bytes in flight without registers
      const int jj = (it0 + p.ahead * kU * ks) * kBpi + lblk;
      if (jj < nb)
#pragma unroll
        for (int r = 0; r < kRows; ++r)
          asm volatile("prefetch.global.L2 [%0];" ::"l"(rowp[r] + jj * F::kBytes + F::q_off(sub)));
    }
#pragma unroll
    for (int u = 0; u < kU; ++u) {
      const int jj = (it0 + u * ks) * kBpi + lblk;
#pragma unroll
      for (int r = 0; r < kRows; ++r)
        buf[u][r] = jj < nb ? load_raw<PF>(p, rowp[r], rown[r], jj, sub) : Raw{0, 0, 0};
    }
  };
  auto use_batch = [&](int it0, const Raw(&buf)[kU][kRows]) {
#pragma unroll
    for (int u = 0; u < kU; ++u) {
      const int j = (it0 + u * ks) * kBpi + lblk;
      if (j >= nb) continue;
      const int col0 = j * F::kB;
      const bool full = col0 + F::kB <= K;
      float xv[TT][F::kEl];
#pragma unroll
      for (int t = 0; t < TT; ++t) {
        const float* xt = p.x + (t < p.T ? t : 0) * p.K;  // (64-bit: T * K may pass 2^31)
#pragma unroll
        for (int rr = 0; rr < F::kRuns; ++rr) {
          const int c = col0 + F::run_start(sub, rr);
#pragma unroll
          for (int q = 0; q < kRunLen; q += 4) {
            float4 v4;
            if (full && p.x_vec) {
              v4 = __ldg(reinterpret_cast<const float4*>(xt + c + q));
            } else {
              v4.x = c + q + 0 < K ? __ldg(xt + c + q + 0) : 0.0f;
              v4.y = c + q + 1 < K ? __ldg(xt + c + q + 1) : 0.0f;
              v4.z = c + q + 2 < K ? __ldg(xt + c + q + 2) : 0.0f;
              v4.w = c + q + 3 < K ? __ldg(xt + c + q + 3) : 0.0f;
            }
            float* d = &xv[t][rr * kRunLen + q];
            d[0] = v4.x, d[1] = v4.y, d[2] = v4.z, d[3] = v4.w;
          }
        }
      }
      const uint32_t sh = value_shift<PF>(j, sub);
#pragma unroll
      for (int r = 0; r < kRows; ++r) {
        const Raw& raw = buf[u][r];
        const uint32_t q = value_word_aligned<PF>() ? raw.lo : __funnelshift_r(raw.lo, raw.hi, sh);
        float v[F::kEl];
        F::values(q, raw.head, nf4_lut, v);
        const float scale = F::scale(raw.head);
        if (!full) {
#pragma unroll
          for (int rr = 0; rr < F::kRuns; ++rr)
#pragma unroll
            for (int e = 0; e < kRunLen; ++e)
              if (col0 + F::run_start(sub, rr) + e >= K) v[rr * kRunLen + e] = 0.0f;
        }
#pragma unroll
        for (int t = 0; t < TT; ++t) {
          float sum = 0.0f;
#pragma unroll
          for (int e = 0; e < F::kEl; ++e) sum = fmaf(v[e], xv[t][e], sum);
          acc[r][t] = fmaf(scale, sum, acc[r][t]);
        }
      }
    }
  };

  Raw a[kU][kRows], b[kU][kRows];
  const int step = kU * ks;
  if (kw < iters) load_batch(kw, a);
  for (int it0 = kw; it0 < iters; it0 += 2 * step) {
    if (it0 + step < iters) load_batch(it0 + step, b);
    use_batch(it0, a);
    if (it0 + step >= iters) break;
    if (it0 + 2 * step < iters) load_batch(it0 + 2 * step, a);
    use_batch(it0 + step, b);
  }

#pragma unroll
  for (int r = 0; r < kRows; ++r)
#pragma unroll
    for (int t = 0; t < TT; ++t) acc[r][t] = warp_sum(acc[r][t]);
  if (ks > 1) {
    if (lane == 0)
#pragma unroll
      for (int r = 0; r < kRows; ++r)
#pragma unroll
        for (int t = 0; t < TT; ++t) partial[warp][r][t] = acc[r][t];
    __syncthreads();
    if (kw != 0) return;
#pragma unroll
    for (int r = 0; r < kRows; ++r)
#pragma unroll
      for (int t = 0; t < TT; ++t) {
        float s = 0.0f;
        for (int k = 0; k < ks; ++k) s += partial[warp + k][r][t];
        acc[r][t] = s;
      }
  }
  if (lane != 0) return;
#pragma unroll
  for (int r = 0; r < kRows; ++r) {
    const int64_t n = n0 + r;
    if (n >= p.N) break;
#pragma unroll
    for (int t = 0; t < TT; ++t) {
      if (t >= p.T) break;
      float s = acc[r][t];
      if (F::kRowScale) s *= __ldg(p.scales + n);
      p.out[t * p.N + n] = s + (p.bias ? __ldg(p.bias + n) : 0.0f);
    }
  }
}

// Launch knobs: warps per row group chosen for about `warps_per_sm` warps per SM in the grid
// (no more K-splitting than that needs) and the L2 prefetch distance. The defaults are what
// bench_quant_cuda measured best on the H200; ARCHSCOPE_PACKED_GEMV_DIRECT=warps_per_sm,ahead
// overrides them for the benchmark's experiments.
struct DirectTuning {
  int warps_per_sm = 16, ahead = 0;
};
const DirectTuning& direct_tuning() {
  static const DirectTuning t = [] {
    DirectTuning v;
    if (const char* e = std::getenv("ARCHSCOPE_PACKED_GEMV_DIRECT64")) {
      int w = 0, a = 0;
      if (std::sscanf(e, "%d,%d", &w, &a) == 2 && w >= 1 && w <= 256 && a >= 0 && a <= 64)
        v = {w, a};
    }
    return v;
  }();
  return t;
}
int warps_per_sm() {
  return direct_tuning().warps_per_sm;
}

int choose_ks(int64_t N, int64_t iters, int sms) {
  const int64_t groups = (N + kRows - 1) / kRows,
                target = static_cast<int64_t>(sms) * warps_per_sm();
  int ks = 1;
  while (ks < kWarps && groups * ks < target && iters > ks) ks *= 2;
  return ks;
}

template <PackedFormat PF, int TT>
void launch_one(CudaBackend& be, const DirectParams& p, dim3 grid) {
  launch(be, packed_gemv_direct_kernel<PF, TT>, grid, dim3(kWarps * 32), 0, p);
}

template <PackedFormat PF>
void launch_fmt(CudaBackend& be, const PackedGemvArgs& a) {
  using F = Fmt<PF>;
  DirectParams p{};
  p.w = static_cast<const uint8_t*>(a.w);
  p.scales = a.scales;
  p.bias = a.bias;
  p.N = a.N;
  p.K = a.K;
  p.nb = (a.K + F::kB - 1) / F::kB;
  p.row_bytes = packed_row_bytes(PF, a.K);
  p.scale_cols = (a.K + 127) / 128;
  p.ahead = direct_tuning().ahead;
  p.ks = choose_ks(a.N, (p.nb + 32 / F::kLanes - 1) / (32 / F::kLanes), be.sm_count());
  const int64_t groups = (a.N + kRows - 1) / kRows;
  const dim3 grid(static_cast<unsigned>(ceil_div(groups, kWarps / p.ks)));
  for (int64_t t0 = 0; t0 < a.T; t0 += 8) {
    p.x = a.x + t0 * a.K;
    p.out = a.out + t0 * a.N;
    p.T = std::min<int64_t>(8, a.T - t0);
    p.x_vec = a.K % 4 == 0 && reinterpret_cast<uintptr_t>(p.x) % 16 == 0;
    if (p.T == 1)
      launch_one<PF, 1>(be, p, grid);
    else if (p.T == 2)
      launch_one<PF, 2>(be, p, grid);
    else if (p.T <= 4)
      launch_one<PF, 4>(be, p, grid);
    else
      launch_one<PF, 8>(be, p, grid);
  }
}

}  // namespace
}  // namespace direct64

using namespace direct64;

bool packed_gemv_direct64_applies(const PackedGemvArgs& a) {
  // 32-bit column and in-row byte indices.
  return a.K > 0 && a.K <= (int64_t{1} << 28) && reinterpret_cast<uintptr_t>(a.w) % 4 == 0 &&
         packed_row_bytes(a.format, a.K) % 4 == 0;
}

void launch_packed_gemv_direct64(CudaBackend& be, const PackedGemvArgs& a) {
  switch (a.format) {
    case PackedFormat::Q8_0:
      return launch_fmt<PackedFormat::Q8_0>(be, a);
    case PackedFormat::Q4_0:
      return launch_fmt<PackedFormat::Q4_0>(be, a);
    case PackedFormat::Int4G128:
      return launch_fmt<PackedFormat::Int4G128>(be, a);
    case PackedFormat::Nf4:
      return launch_fmt<PackedFormat::Nf4>(be, a);
    case PackedFormat::Mxfp4:
      return launch_fmt<PackedFormat::Mxfp4>(be, a);
    case PackedFormat::Int8Channel:
      return launch_fmt<PackedFormat::Int8Channel>(be, a);
    case PackedFormat::Fp8E4M3Channel:
      return launch_fmt<PackedFormat::Fp8E4M3Channel>(be, a);
    case PackedFormat::Fp8E4M3Block128:
      return launch_fmt<PackedFormat::Fp8E4M3Block128>(be, a);
  }
}

}  // namespace archscope::cuda
