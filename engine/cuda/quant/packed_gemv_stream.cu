// The streamed packed decode GEMV (packed_gemv.hpp) for the formats of small inline-scaled blocks
// (q8_0, q4_0, mxfp4, nf4): every warp streams its own rows through a ring of shared-memory
// stages with 16-byte cp.async, so the bytes in flight are held by shared memory, not registers,
// and no block-wide barrier ever waits on another warp's loads.
//  - Persistent grid (what fits on the device at once). A warp owns row groups of R rows (R = 4,
//    2 or 1, the most that still gives every resident warp a group) and walks its groups gw,
//    gw + GW, ... (GW warps in the grid) as one sequence of tiles; a tile is 32 consecutive
//    blocks (one per lane) of each of the R rows: 32 * kBytes bytes per row, a multiple of 16,
//    so with 16-byte aligned rows every tile is whole 16-byte chunks of the matrix, copied
//    verbatim (kStages - 1 tiles in flight while one is decoded).
//  - Lane l decodes block l of the tile in every row: its head (the inline scale) and its value
//    words from shared memory (aligned 32-bit reads and one funnel shift per word where the
//    17/18/34-byte block pitch leaves the values unaligned), the activations of each word's
//    columns loaded once and used for all R rows. The per-format decode is packed_decode.cuh's
//    (the same `values` and `scale` as the other two kernels): value * x summed over the block
//    in fp32 from 0, times the block scale once, accumulated in fp32 per lane; a warp sum and
//    the bias at the end of the group's last tile.
//  - The first tiles' copies are issued before the programmatic-dependent-launch wait (the
//    weights are never written by the previous kernel); x only after it.
// Measured on the H200 (docs/quant-cuda.md, 2026-12-02 00:05 UTC): correct, but not faster than
// the direct kernels except on the largest matrices (q8_0 gate|up 22.6 against 24.3 us, mxfp4
// LM head 31.8 against 38.1); ncu counts 12.9 (q8_0) and 7.7 (q4_0) issued instructions per
// weight, against ~4 from the source: the issue slots, not the bytes in flight, still bound it.
// So Auto does not take it; it stays selectable (PackedGemvKernel::Stream) for that work.
// Conditions (checked by the launcher; else the other kernels run): weights 16-byte aligned and
// rows of a multiple of 16 bytes (bench-1b's matrices: K a multiple of 256, 512 for mxfp4).
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"
#include "cuda/quant/nf4_table.cuh"
#include "cuda/quant/packed_decode.cuh"
#include "cuda/quant/packed_gemv_kernels.hpp"

namespace archscope::cuda {

namespace stream_gemv {
namespace {

using packed::Fmt;

constexpr int kWarps = 4;        // warps per thread block
constexpr int kTileBlocks = 32;  // blocks per row per tile: one per lane

template <int R>
constexpr int stages() {  // tiles in each warp's ring: about 3-6 KB of loads in flight per warp
  return R == 4 ? 3 : R == 2 ? 4 : 6;
}

template <PackedFormat PF>
constexpr int tile_row_bytes() {
  return kTileBlocks * Fmt<PF>::kBytes;
}

// The 32-bit value words of a block (after its head), kEl weights each.
template <PackedFormat PF>
constexpr int value_words() {
  return Fmt<PF>::kB / Fmt<PF>::kEl;
}

template <PackedFormat PF, int R>
constexpr int ring_bytes() {  // + 16: the last word read of a tile may lie past it
  return stages<R>() * R * tile_row_bytes<PF>() + 16;
}

struct StreamParams {
  const float* x;
  const uint8_t* w;
  const float* bias;
  float* out;
  int64_t T, N, K;
  int64_t row_bytes;  // multiple of 16
  int64_t groups;     // row groups of R rows
  int nb;             // blocks per row
  int tiles;          // tiles per row group: ceil(nb / 32)
  int x_vec;          // x 16-byte aligned and K % 4 == 0: float4 activation loads
};

__device__ __forceinline__ void cp_async16(void* smem, const void* g) {
  const unsigned s = static_cast<unsigned>(__cvta_generic_to_shared(smem));
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;" ::"r"(s), "l"(g) : "memory");
}
__device__ __forceinline__ void cp_async_commit() {
  asm volatile("cp.async.commit_group;" ::: "memory");
}
template <int N>
__device__ __forceinline__ void cp_async_wait() {
  asm volatile("cp.async.wait_group %0;" ::"n"(N) : "memory");
}

template <PackedFormat PF>
__device__ __forceinline__ uint32_t load_head(const uint8_t* blk) {
  constexpr int h = Fmt<PF>::kHead;
  if constexpr (h == 1) return *blk;
  if constexpr (h == 2) return *reinterpret_cast<const unsigned short*>(blk);
  if constexpr (h == 4) return *reinterpret_cast<const uint32_t*>(blk);
  return 0;
}

template <PackedFormat PF, int TT, int R>
__global__ void __launch_bounds__(kWarps * 32) packed_gemv_stream_kernel(StreamParams p) {
  using F = Fmt<PF>;
  constexpr int kS = stages<R>(), kTB = tile_row_bytes<PF>(), kChunks = kTB / 16;
  constexpr int kW = value_words<PF>(), kRunLen = F::kEl / F::kRuns;
  constexpr bool kAligned = F::kBytes % 4 == 0 && F::q_off(0) % 4 == 0;
  extern __shared__ __align__(16) uint8_t smem[];
  __shared__ float nf4_lut[16];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  uint8_t* ring = smem + warp * ring_bytes<PF, R>();
  const int64_t gw = static_cast<int64_t>(blockIdx.x) * kWarps + warp,
                GW = static_cast<int64_t>(gridDim.x) * kWarps;
  const int64_t my_groups = gw < p.groups ? (p.groups - 1 - gw) / GW + 1 : 0;
  const int64_t tiles = my_groups * p.tiles;
  const int row_chunks = static_cast<int>(p.row_bytes / 16);

  // The next tile to copy: its number in this warp's sequence, first row and tile in the row.
  int64_t iq = 0, irow = gw * R;
  int itp = 0;
  // Copies the next tile into its stage (one commit group per tile, empty past the end).
  auto issue = [&]() {
    if (iq < tiles) {
      uint8_t* st = ring + static_cast<int>(iq % kS) * (R * kTB);
      const int c0 = itp * kChunks, cnt = min(kChunks, row_chunks - c0);
#pragma unroll
      for (int i = lane; i < R * kChunks; i += 32) {
        const int r = i / kChunks, c = i % kChunks;
        if (c < cnt) {
          const int64_t n = min(irow + r, p.N - 1);  // rows past N repeat the last (not stored)
          cp_async16(st + r * kTB + c * 16, p.w + n * p.row_bytes + (c0 + c) * 16);
        }
      }
      if (++itp == p.tiles) itp = 0, irow += GW * R;
      ++iq;
    }
    cp_async_commit();
  };
#pragma unroll
  for (int s = 0; s < kS - 1; ++s) issue();
  if (PF == PackedFormat::Nf4 && threadIdx.x < 16)
    nf4_lut[threadIdx.x] = packed::kNf4CodesDevice[threadIdx.x];
  kernel_prologue();
  if (PF == PackedFormat::Nf4) __syncthreads();

  float acc[R][TT];
#pragma unroll
  for (int r = 0; r < R; ++r)
#pragma unroll
    for (int t = 0; t < TT; ++t) acc[r][t] = 0.0f;

  int64_t row0 = gw * R;  // the tile being decoded: its group's first row and tile in the row
  int tp = 0;
  for (int64_t q = 0; q < tiles; ++q) {
    issue();
    cp_async_wait<kS - 1>();
    __syncwarp();
    const int j = tp * kTileBlocks + lane;  // this lane's block of the row
    if (j < p.nb) {
      const uint8_t* st = ring + static_cast<int>(q % kS) * (R * kTB) + lane * F::kBytes;
      const int col0 = j * F::kB;
      const bool full = p.x_vec && col0 + F::kB <= p.K;
      const uint32_t vstart = static_cast<uint32_t>(lane * F::kBytes + F::q_off(0));
      const uint32_t sh = kAligned ? 0u : (vstart & 3u) * 8u;
      uint32_t head[R], prev[R];
      const uint32_t* wp[R];
      float s[R][TT];
#pragma unroll
      for (int r = 0; r < R; ++r) {
        head[r] = load_head<PF>(st + r * kTB);
        wp[r] = reinterpret_cast<const uint32_t*>(
            reinterpret_cast<uintptr_t>(st + r * kTB + F::q_off(0)) & ~uintptr_t{3});
        prev[r] = wp[r][0];
#pragma unroll
        for (int t = 0; t < TT; ++t) s[r][t] = 0.0f;
      }
#pragma unroll
      for (int i = 0; i < kW; ++i) {
        float xv[TT][F::kEl];
#pragma unroll
        for (int t = 0; t < TT; ++t) {
          const float* xt = p.x + (t < p.T ? t : 0) * p.K;
#pragma unroll
          for (int rr = 0; rr < F::kRuns; ++rr) {
            const int c = col0 + F::run_start(i, rr);
#pragma unroll
            for (int e = 0; e < kRunLen; e += 4) {
              float4 v4;
              if (full) {
                v4 = __ldg(reinterpret_cast<const float4*>(xt + c + e));
              } else {
                v4.x = c + e + 0 < p.K ? __ldg(xt + c + e + 0) : 0.0f;
                v4.y = c + e + 1 < p.K ? __ldg(xt + c + e + 1) : 0.0f;
                v4.z = c + e + 2 < p.K ? __ldg(xt + c + e + 2) : 0.0f;
                v4.w = c + e + 3 < p.K ? __ldg(xt + c + e + 3) : 0.0f;
              }
              float* d = &xv[t][rr * kRunLen + e];
              d[0] = v4.x, d[1] = v4.y, d[2] = v4.z, d[3] = v4.w;
            }
          }
        }
#pragma unroll
        for (int r = 0; r < R; ++r) {
          uint32_t qw;
          if constexpr (kAligned) {
            qw = wp[r][i];
          } else {
            const uint32_t nxt = wp[r][i + 1];
            qw = __funnelshift_r(prev[r], nxt, sh);
            prev[r] = nxt;
          }
          float v[F::kEl];
          F::values(qw, head[r], nf4_lut, v);
          if (!full) {  // the zero padding of a partial last block decodes to anything
#pragma unroll
            for (int rr = 0; rr < F::kRuns; ++rr)
#pragma unroll
              for (int e = 0; e < kRunLen; ++e)
                if (col0 + F::run_start(i, rr) + e >= p.K) v[rr * kRunLen + e] = 0.0f;
          }
#pragma unroll
          for (int t = 0; t < TT; ++t)
#pragma unroll
            for (int e = 0; e < F::kEl; ++e) s[r][t] = fmaf(v[e], xv[t][e], s[r][t]);
        }
      }
#pragma unroll
      for (int r = 0; r < R; ++r) {
        const float scale = F::scale(head[r]);
#pragma unroll
        for (int t = 0; t < TT; ++t) acc[r][t] = fmaf(scale, s[r][t], acc[r][t]);
      }
    }
    __syncwarp();  // the stage is refilled by the next iteration's issue
    if (++tp == p.tiles) {
      const int64_t n0 = row0;
      tp = 0, row0 += GW * R;
#pragma unroll
      for (int r = 0; r < R; ++r)
#pragma unroll
        for (int t = 0; t < TT; ++t) {
          const float sum = warp_sum(acc[r][t]);
          acc[r][t] = 0.0f;
          const int64_t n = n0 + r;
          if (lane == 0 && n < p.N && t < p.T)
            p.out[t * p.N + n] = sum + (p.bias ? __ldg(p.bias + n) : 0.0f);
        }
    }
  }
  cp_async_wait<0>();
}

template <PackedFormat PF, int TT, int R>
void launch_one(CudaBackend& be, StreamParams p) {
  auto* k = packed_gemv_stream_kernel<PF, TT, R>;
  constexpr int smem = kWarps * ring_bytes<PF, R>();
  static const int blocks_per_sm = [&] {
    allow_smem(k, smem);
    int b = 0;
    cudaOccupancyMaxActiveBlocksPerMultiprocessor(&b, k, kWarps * 32, smem);
    return std::max(b, 1);
  }();
  p.groups = (p.N + R - 1) / R;
  const int64_t want = (p.groups + kWarps - 1) / kWarps,
                fit = static_cast<int64_t>(blocks_per_sm) * be.sm_count();
  launch(be, k, dim3(static_cast<unsigned>(std::min(want, fit))), dim3(kWarps * 32), smem, p);
}

// Rows per warp: 4 (activations reused across 4 rows) when the matrix has a group of 4 for
// every resident warp (about 16 per SM), else 2 or 1 so that the warps all have rows; at most
// 8 accumulators per lane (R * T).
// ARCHSCOPE_PACKED_GEMV_STREAM_ROWS=1|2|4 forces R where allowed (the benchmark's experiments).
int forced_rows() {
  static const int v = [] {
    const char* e = std::getenv("ARCHSCOPE_PACKED_GEMV_STREAM_ROWS");
    const int r = e ? std::atoi(e) : 0;
    return r == 1 || r == 2 || r == 4 ? r : 0;
  }();
  return v;
}

template <PackedFormat PF, int TT>
void launch_rows(CudaBackend& be, const StreamParams& p) {
  const int64_t warps = static_cast<int64_t>(be.sm_count()) * 16;
  const int f = forced_rows();
  if constexpr (TT <= 2)
    if (f == 4 || (f == 0 && (p.N + 3) / 4 >= warps)) return launch_one<PF, TT, 4>(be, p);
  if constexpr (TT <= 4)
    if (f == 2 || (f == 0 && (p.N + 1) / 2 >= warps)) return launch_one<PF, TT, 2>(be, p);
  launch_one<PF, TT, 1>(be, p);
}

template <PackedFormat PF>
void launch_fmt(CudaBackend& be, const PackedGemvArgs& a) {
  using F = Fmt<PF>;
  StreamParams p{};
  p.w = static_cast<const uint8_t*>(a.w);
  p.bias = a.bias;
  p.N = a.N;
  p.K = a.K;
  p.nb = static_cast<int>((a.K + F::kB - 1) / F::kB);
  p.tiles = (p.nb + kTileBlocks - 1) / kTileBlocks;
  p.row_bytes = packed_row_bytes(PF, a.K);
  for (int64_t t0 = 0; t0 < a.T; t0 += 8) {
    p.x = a.x + t0 * a.K;
    p.out = a.out + t0 * a.N;
    p.T = std::min<int64_t>(8, a.T - t0);
    p.x_vec = a.K % 4 == 0 && reinterpret_cast<uintptr_t>(p.x) % 16 == 0;
    if (p.T == 1)
      launch_rows<PF, 1>(be, p);
    else if (p.T == 2)
      launch_rows<PF, 2>(be, p);
    else if (p.T <= 4)
      launch_rows<PF, 4>(be, p);
    else
      launch_rows<PF, 8>(be, p);
  }
}

}  // namespace
}  // namespace stream_gemv

bool packed_gemv_stream_applies(const PackedGemvArgs& a) {
  const bool fmt = a.format == PackedFormat::Q8_0 || a.format == PackedFormat::Q4_0 ||
                   a.format == PackedFormat::Mxfp4 || a.format == PackedFormat::Nf4;
  // 32-bit column indices and in-row tile offsets.
  return fmt && a.K > 0 && a.K <= (int64_t{1} << 28) &&
         reinterpret_cast<uintptr_t>(a.w) % 16 == 0 && packed_row_bytes(a.format, a.K) % 16 == 0;
}

void launch_packed_gemv_stream(CudaBackend& be, const PackedGemvArgs& a) {
  using namespace stream_gemv;
  switch (a.format) {
    case PackedFormat::Q8_0:
      return launch_fmt<PackedFormat::Q8_0>(be, a);
    case PackedFormat::Q4_0:
      return launch_fmt<PackedFormat::Q4_0>(be, a);
    case PackedFormat::Mxfp4:
      return launch_fmt<PackedFormat::Mxfp4>(be, a);
    case PackedFormat::Nf4:
      return launch_fmt<PackedFormat::Nf4>(be, a);
    default:
      return;  // not reached: packed_gemv_stream_applies
  }
}

}  // namespace archscope::cuda
