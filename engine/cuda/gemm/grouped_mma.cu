// Tensor-core grouped GEMM for MoE prefill (bf16 experts): the rows, sorted by expert, are cut
// into tiles of 64 rows of one expert (an expert of c rows has ceil(c / 64) tiles); block (x, y)
// computes 128 outputs of tile y. Each block finds its tile from the device offsets (a warp-wide
// prefix sum over the experts' tile counts), so the host never reads the counts and one launch
// covers every expert; tiles past the last exit at once (grid y = ceil(R / 64) + E, the most
// tiles any partition of R rows gives). Main loop over K in steps of 32: the expert's weight tile
// (128 x 32 bf16) copied global -> shared by cp.async, the activations (64 x 32 fp32) loaded into
// registers and stored to shared memory rounded to bf16 (round to nearest), both double-buffered
// so the next step's loads are in flight while the current one multiplies; 4 warps of 32 x 64,
// mma.sync m16n8k16 with fp32 accumulation, fragments by ldmatrix from rows padded to 80 bytes
// (conflict-free). Error per output: u_bf16 * sum|x w| from the rounding of x plus the fp32
// accumulation's (the dense linear's cuBLASLt bound, ops/linear.cu).
#include "cuda/attention/mma.cuh"
#include "cuda/gemm/grouped.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/group_rows.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {

constexpr int kBM = 64, kBN = 128, kBK = 32, kThreads = 128;
constexpr int kLds =
    kBK + 8;  // bf16 per shared row: 80 bytes, so ldmatrix's 8 rows hit 8 banks groups

using bf16 = __nv_bfloat16;

struct Smem {
  bf16 a[2][kBM][kLds];
  bf16 b[2][kBN][kLds];
};

// The tile of blockIdx.y: (expert, first row, rows), or expert -1 past the last tile.
__device__ void find_tile(const GroupedArgs& a, int64_t y, int& expert, int64_t& r0, int& rows) {
  const int lane = threadIdx.x & 31;
  int64_t base = 0;  // tiles of the experts before this chunk of 32
  for (int64_t e0 = 0; e0 < a.E; e0 += 32) {
    const int64_t e = e0 + lane;
    int64_t lo = 0, hi = 0;
    if (e < a.E) {  // clamped, so a bad partition never reaches outside [0, R)
      lo = max(static_cast<int64_t>(0), static_cast<int64_t>(a.offsets[e]));
      hi = min(a.R, static_cast<int64_t>(a.offsets[e + 1]));
    }
    const int64_t tiles = hi > lo ? (hi - lo + kBM - 1) / kBM : 0;
    int64_t incl = tiles;
#pragma unroll
    for (int d = 1; d < 32; d *= 2) {
      const int64_t v = __shfl_up_sync(0xffffffffu, incl, d);
      if (lane >= d) incl += v;
    }
    const int64_t excl = incl - tiles;
    const bool hit = y >= base + excl && y < base + incl;
    const unsigned m = __ballot_sync(0xffffffffu, hit);
    if (m) {
      const int src = __ffs(m) - 1;
      const int64_t t = y - base - __shfl_sync(0xffffffffu, excl, src);
      expert = static_cast<int>(e0 + src);
      const int64_t first = __shfl_sync(0xffffffffu, lo, src),
                    last = __shfl_sync(0xffffffffu, hi, src);
      r0 = first + t * kBM;
      rows = static_cast<int>(min(static_cast<int64_t>(kBM), last - r0));
      return;
    }
    base += __shfl_sync(0xffffffffu, incl, 31);
  }
  expert = -1;
}

__global__ void __launch_bounds__(kThreads) grouped_mma_kernel(GroupedArgs a) {
  __shared__ __align__(16) Smem sm;
  __shared__ int tile_expert, tile_rows;
  __shared__ long long tile_r0;
  kernel_prologue();
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  if (blockIdx.x == 0 && blockIdx.y == 0 && warp == 0)
    check_group_offsets(a.offsets, a.E, a.R, a.err);
  if (warp == 0) {
    int e, rows;
    int64_t r0;
    find_tile(a, blockIdx.y, e, r0, rows);
    if (lane == 0) {
      tile_expert = e;
      tile_r0 = r0;
      tile_rows = rows;
    }
  }
  __syncthreads();
  const int e = tile_expert;
  if (e < 0) return;
  const int64_t r0 = tile_r0, n0 = static_cast<int64_t>(blockIdx.x) * kBN;
  const int rows = tile_rows;
  const bf16* w = static_cast<const bf16*>(a.w) + static_cast<int64_t>(e) * a.N * a.K;

  // Activations: 64 rows x 8 float4 per step, 4 per thread; weights: 128 rows x 4 chunks, 4 each.
  float4 xa[4];
  auto load_x = [&](int64_t k0) {
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int idx = tid + i * kThreads, row = idx / 8, c4 = idx % 8;
      const int64_t k = k0 + c4 * 4;
      xa[i] = row < rows && k < a.K ? *reinterpret_cast<const float4*>(a.x + (r0 + row) * a.K + k)
                                    : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    }
  };
  auto store_x = [&](int buf) {
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int idx = tid + i * kThreads, row = idx / 8, c4 = idx % 8;
      uint2 v;
      v.x = pack2<bf16>(xa[i].x, xa[i].y);
      v.y = pack2<bf16>(xa[i].z, xa[i].w);
      *reinterpret_cast<uint2*>(&sm.a[buf][row][c4 * 4]) = v;
    }
  };
  auto load_w = [&](int buf, int64_t k0) {
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int idx = tid + i * kThreads, row = idx / 4, c8 = idx % 4;
      const int64_t n = n0 + row, k = k0 + c8 * 8;
      const bool ok = n < a.N && k < a.K;
      cp_async16(&sm.b[buf][row][c8 * 8], ok ? w + n * a.K + k : w, ok ? 16 : 0);
    }
    cp_async_commit();
  };

  float acc[2][8][4];
#pragma unroll
  for (int i = 0; i < 2; ++i)
#pragma unroll
    for (int j = 0; j < 8; ++j)
#pragma unroll
      for (int q = 0; q < 4; ++q) acc[i][j][q] = 0.0f;

  const int wm = warp / 2, wn = warp % 2;
  const int64_t steps = (a.K + kBK - 1) / kBK;
  load_x(0);
  store_x(0);
  load_w(0, 0);
  for (int64_t s = 0; s < steps; ++s) {
    const int cur = static_cast<int>(s & 1);
    const bool next = s + 1 < steps;
    if (next) {
      load_w(cur ^ 1, (s + 1) * kBK);
      load_x((s + 1) * kBK);
      cp_async_wait<1>();
    } else {
      cp_async_wait<0>();
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < kBK; kk += 16) {
      uint32_t af[2][4];
#pragma unroll
      for (int mi = 0; mi < 2; ++mi)
        ldmatrix_x4(af[mi], &sm.a[cur][wm * 32 + mi * 16 + (lane % 16)][kk + (lane / 16) * 8]);
#pragma unroll
      for (int nj = 0; nj < 4; ++nj) {
        uint32_t bf[4];
        ldmatrix_x4(bf, &sm.b[cur][wn * 64 + nj * 16 + (lane / 16) * 8 + (lane % 8)]
                             [kk + ((lane / 8) % 2) * 8]);
#pragma unroll
        for (int mi = 0; mi < 2; ++mi) {
          mma16816<bf16>(acc[mi][2 * nj], af[mi], bf[0], bf[1]);
          mma16816<bf16>(acc[mi][2 * nj + 1], af[mi], bf[2], bf[3]);
        }
      }
    }
    if (next) store_x(cur ^ 1);
    __syncthreads();
  }

  // c[0], c[1]: row g, columns 2q, 2q + 1; c[2], c[3]: row g + 8 (g = lane / 4, q = lane % 4).
  const int g = lane / 4, q = lane % 4;
#pragma unroll
  for (int mi = 0; mi < 2; ++mi)
#pragma unroll
    for (int ni = 0; ni < 8; ++ni)
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        const int row = wm * 32 + mi * 16 + g + h * 8;
        if (row >= rows) continue;
        float* orow = a.out + (r0 + row) * a.N;
#pragma unroll
        for (int c = 0; c < 2; ++c) {
          const int64_t n = n0 + wn * 64 + ni * 8 + 2 * q + c;
          if (n < a.N)
            orow[n] = acc[mi][ni][2 * h + c] +
                      (a.bias ? a.bias[static_cast<int64_t>(e) * a.N + n] : 0.0f);
        }
      }
}

}  // namespace

bool grouped_mma_supports(const GroupedArgs& a) {
  return a.we == FElem::BF16 && a.K > 0 && a.K % 8 == 0 && (a.R + kBM - 1) / kBM + a.E <= 65535 &&
         reinterpret_cast<uintptr_t>(a.w) % 16 == 0 && reinterpret_cast<uintptr_t>(a.x) % 16 == 0;
}

void launch_grouped_mma(CudaBackend& be, const GroupedArgs& a) {
  if (a.R == 0 || a.N == 0) return;
  const int64_t tiles = (a.R + kBM - 1) / kBM + a.E;  // the most tiles a partition of R rows has
  const dim3 grid(ceil_div(a.N, kBN), static_cast<unsigned>(tiles)), block(kThreads);
  launch(be, grouped_mma_kernel, grid, block, 0, a);
}

}  // namespace archscope::cuda
