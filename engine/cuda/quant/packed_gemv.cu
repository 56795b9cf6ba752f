// The staged packed decode GEMV (packed_gemv.hpp; for any shape and alignment, where the direct
// kernel of packed_gemv_direct.cu does not apply) and the dispatch between the two. One block of 8
// warps owns R consecutive weight rows (R = 4, 8, 16 or 32, chosen so the grid still fills the
// device) and walks their K in segments:
//  1. stage: the segment's bytes of each row are copied to shared memory with 16-byte cp.async
//     (L1 bypassed; the packed blocks are 17..68 bytes, so a 16-byte chunk straddles blocks and
//     rows; the copy keeps each row's misalignment and the decode reads at any byte offset),
//     double buffered: segment s + 1 streams in while segment s is decoded;
//  2. decode: the 8 warps form R / 4 row groups of 4 rows; the warps of a group split the
//     segment's blocks, each lane takes kEl weights of a block, loads the matching activations
//     once and uses them for all 4 rows (so activation reads from L1 stay below the weight bytes
//     even for 4-bit formats), and accumulates value * x per block, times the block scale, in fp32;
//  3. reduce: shuffles within the warp, shared memory across the warps of a group.
// Before the programmatic-dependent-launch wait the block prefetches its first segment into L2
// (weights are never written by the kernel before it, and L2 is the coherence point).
// Activations past K are read as 0 and the decoded values there forced to 0, so the zero padding
// of a partial last block (whatever its codes decode to) never counts and nothing past x is read.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/error.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"
#include "cuda/quant/nf4_table.cuh"
#include "cuda/quant/packed_decode.cuh"
#include "cuda/quant/packed_gemv.hpp"
#include "cuda/quant/packed_gemv_kernels.hpp"

namespace archscope::cuda {

namespace {

using packed::Fmt;
using packed::RowCtx;

constexpr int kWarps = 8;
constexpr int kRowsPerGroup = 4;
constexpr int kStageBudget = 40 * 1024;  // shared bytes per block for the staged rows

__host__ __device__ __forceinline__ int64_t imin(int64_t a, int64_t b) {
  return a < b ? a : b;
}

struct Params {
  const float* x;
  const uint8_t* w;
  const float* scales;
  const float* bias;
  float* out;
  int64_t T, N, K;
  int64_t nb;         // blocks per row
  int64_t row_bytes;  // bytes per row
  int64_t w_bytes;    // N * row_bytes
  int64_t scale_cols;
  int rows;        // R: rows per thread block
  int seg_blocks;  // blocks per staged segment
  int stride;      // shared bytes per staged row (multiple of 16)
  int whole;       // one segment: the block's rows staged as one contiguous byte range
  int x_vec;       // x 16-byte aligned with K % 4 == 0: float4 activation loads
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

// Copies the bytes [g0, g1) of the weights into smem at `dst` + (g0 % 16): 16-byte chunks
// aligned in global memory, byte copies for the (at most two) chunks that reach outside the
// weight buffer.
__device__ __forceinline__ void stage_range(uint8_t* dst, const uint8_t* w, int64_t w_bytes,
                                            int64_t g0, int64_t g1, int tid, int nthreads) {
  const uintptr_t base = reinterpret_cast<uintptr_t>(w);
  const uintptr_t a0 = (base + g0) & ~static_cast<uintptr_t>(15);
  const uintptr_t a1 = (base + g1 + 15) & ~static_cast<uintptr_t>(15);
  const int64_t chunks = static_cast<int64_t>((a1 - a0) / 16);
  for (int64_t c = tid; c < chunks; c += nthreads) {
    const uintptr_t ga = a0 + static_cast<uintptr_t>(c) * 16;
    uint8_t* sd = dst + c * 16;
    if (ga >= base && ga + 16 <= base + static_cast<uintptr_t>(w_bytes)) {
      cp_async16(sd, reinterpret_cast<const void*>(ga));
    } else {
      for (int b = 0; b < 16; ++b) {
        const uintptr_t p = ga + b;
        sd[b] = p >= base && p < base + static_cast<uintptr_t>(w_bytes)
                    ? *reinterpret_cast<const uint8_t*>(p)
                    : 0;
      }
    }
  }
}

// One 16-byte chunk `c` of the byte range [g0, g1) of the weights, into dst + c * 16 (dst holds the
// range from g0 rounded down to 16); false past the range.
__device__ __forceinline__ void stage_chunk(uint8_t* dst, const uint8_t* w, int64_t w_bytes,
                                            int64_t g0, int64_t g1, int64_t c) {
  const uintptr_t base = reinterpret_cast<uintptr_t>(w);
  const uintptr_t a0 = (base + g0) & ~static_cast<uintptr_t>(15);
  const uintptr_t ga = a0 + static_cast<uintptr_t>(c) * 16;
  if (ga >= base + g1) return;
  uint8_t* sd = dst + c * 16;
  if (ga >= base && ga + 16 <= base + static_cast<uintptr_t>(w_bytes)) {
    cp_async16(sd, reinterpret_cast<const void*>(ga));
  } else {
    for (int b = 0; b < 16; ++b) {
      const uintptr_t q = ga + b;
      sd[b] = q >= base && q < base + static_cast<uintptr_t>(w_bytes)
                  ? *reinterpret_cast<const uint8_t*>(q)
                  : 0;
    }
  }
}

template <PackedFormat PF, int TT>
__global__ void __launch_bounds__(kWarps * 32) packed_gemv_kernel(Params p) {
  using F = Fmt<PF>;
  constexpr int kBpi = 32 / F::kLanes;        // blocks per warp iteration
  constexpr int kRunLen = F::kEl / F::kRuns;  // consecutive columns per run (4 or 8)
  extern __shared__ uint4 smem4[];
  uint8_t* smem = reinterpret_cast<uint8_t*>(smem4);
  __shared__ float partial[kWarps][kRowsPerGroup][TT];
  __shared__ float nf4_lut[16];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int64_t n0 = static_cast<int64_t>(blockIdx.x) * p.rows;
  const int rows_here = static_cast<int>(imin(p.rows, p.N - n0));
  const int groups = p.rows / kRowsPerGroup, wk = kWarps / groups;
  const int group = warp / wk, kw = warp % wk;
  const int sub = lane % F::kLanes, lblk = lane / F::kLanes;

  {  // L2 prefetch of the first segment of every row of the block (see the header).
    const int64_t seg_bytes = imin(static_cast<int64_t>(p.seg_blocks) * F::kBytes, p.row_bytes);
    const int64_t lines = (seg_bytes + 127) / 128 + 1;
    for (int64_t i = tid; i < lines * rows_here; i += blockDim.x) {
      const int64_t r = i / lines, l = i % lines;
      const int64_t off = (n0 + r) * p.row_bytes + l * 128;
      if (off < p.w_bytes) asm volatile("prefetch.global.L2 [%0];" ::"l"(p.w + off));
    }
  }
  if (PF == PackedFormat::Nf4 && tid < 16) nf4_lut[tid] = packed::kNf4CodesDevice[tid];
  kernel_prologue();
  // The activations are read after the weights land: ask for them now (into L1).
  for (int64_t l = tid; l < (p.T * p.K + 31) / 32; l += blockDim.x)
    asm volatile("prefetch.global.L1 [%0];" ::"l"(p.x + l * 32));

  float acc[kRowsPerGroup][TT];
#pragma unroll
  for (int r = 0; r < kRowsPerGroup; ++r)
#pragma unroll
    for (int t = 0; t < TT; ++t) acc[r][t] = 0.0f;

  RowCtx ctx{0, 0, p.scales, p.scale_cols, nf4_lut};
  const uint32_t* s32 = reinterpret_cast<const uint32_t*>(smem);
  const int64_t nseg = (p.nb + p.seg_blocks - 1) / p.seg_blocks;
  const int buf_bytes = p.rows * p.stride;
  // Segment si into buffer si % 2 (one cp.async group per segment). Whole rows: one range for
  // all the block's rows (they are contiguous); segments: the chunks of every row's piece, one
  // flat loop so that all threads copy.
  auto stage = [&](int64_t si) {
    if (p.whole) {
      stage_range(smem, p.w, p.w_bytes, n0 * p.row_bytes, (n0 + rows_here) * p.row_bytes, tid,
                  blockDim.x);
    } else {
      const int64_t s0 = si * p.seg_blocks, s1 = imin(p.nb, s0 + p.seg_blocks);
      uint8_t* buf = smem + (si & 1) * buf_bytes;
      const int cpr = p.stride / 16;
      for (int i = tid; i < rows_here * cpr; i += blockDim.x) {
        const int r = i / cpr, c = i - r * cpr;
        const int64_t row0 = (n0 + r) * p.row_bytes;
        stage_chunk(buf + r * p.stride, p.w, p.w_bytes, row0 + s0 * F::kBytes,
                    row0 + imin(s1 * F::kBytes, p.row_bytes), c);
      }
    }
    cp_async_commit();
  };
  if (nseg > 0) stage(0);
  for (int64_t si = 0; si < nseg; ++si) {
    // Double buffering: the next segment streams in while this one is decoded.
    if (si + 1 < nseg) {
      stage(si + 1);
      cp_async_wait<1>();
    } else {
      cp_async_wait<0>();
    }
    __syncthreads();
    const int64_t s0 = si * p.seg_blocks, s1 = imin(p.nb, s0 + p.seg_blocks);
    // Shared byte offset of block 0 of this segment, per row of the group.
    uint32_t row_off[kRowsPerGroup];
#pragma unroll
    for (int r = 0; r < kRowsPerGroup; ++r) {
      const int row = group * kRowsPerGroup + r;
      const uintptr_t base = reinterpret_cast<uintptr_t>(p.w);
      row_off[r] =
          p.whole
              ? static_cast<uint32_t>(((base + n0 * p.row_bytes) & 15) + row * p.row_bytes)
              : static_cast<uint32_t>((si & 1) * buf_bytes + row * p.stride +
                                      ((base + (n0 + row) * p.row_bytes + s0 * F::kBytes) & 15));
    }
    const int64_t iters = (s1 - s0 + kBpi - 1) / kBpi;
    for (int64_t it = kw; it < iters; it += wk) {
      const int64_t jj = it * kBpi + lblk;  // block in the segment
      if (jj >= s1 - s0) continue;
      const int64_t j = s0 + jj, col0 = j * F::kB;
      // Activations of this lane's columns for every token row (0 past K).
      float xv[TT][F::kEl];
      const bool full = col0 + F::kB <= p.K;
#pragma unroll
      for (int t = 0; t < TT; ++t) {
        const float* xt = p.x + (t < p.T ? t : 0) * p.K;
#pragma unroll
        for (int rr = 0; rr < F::kRuns; ++rr) {
          const int64_t c = col0 + F::run_start(sub, rr);
#pragma unroll
          for (int q = 0; q < kRunLen; q += 4) {
            float4 v4;
            if (full && p.x_vec) {
              v4 = __ldg(reinterpret_cast<const float4*>(xt + c + q));
            } else {
              v4.x = c + q + 0 < p.K ? __ldg(xt + c + q + 0) : 0.0f;
              v4.y = c + q + 1 < p.K ? __ldg(xt + c + q + 1) : 0.0f;
              v4.z = c + q + 2 < p.K ? __ldg(xt + c + q + 2) : 0.0f;
              v4.w = c + q + 3 < p.K ? __ldg(xt + c + q + 3) : 0.0f;
            }
            float* d = &xv[t][rr * kRunLen + q];
            d[0] = v4.x, d[1] = v4.y, d[2] = v4.z, d[3] = v4.w;
          }
        }
      }
      const uint32_t jb = static_cast<uint32_t>(jj) * F::kBytes;
#pragma unroll
      for (int r = 0; r < kRowsPerGroup; ++r) {
        const int row = group * kRowsPerGroup + r;
        if (row >= rows_here) break;
        ctx.n = n0 + row;
        ctx.j = j;
        float v[F::kEl];
        const float scale = packed::decode<PF>(s32, row_off[r] + jb, sub, ctx, v);
        if (!full) {
#pragma unroll
          for (int rr = 0; rr < F::kRuns; ++rr)
#pragma unroll
            for (int q = 0; q < kRunLen; ++q)
              if (col0 + F::run_start(sub, rr) + q >= p.K) v[rr * kRunLen + q] = 0.0f;
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
    __syncthreads();  // buffer si % 2 is free for segment si + 2
  }

#pragma unroll
  for (int r = 0; r < kRowsPerGroup; ++r)
#pragma unroll
    for (int t = 0; t < TT; ++t) {
      const float sum = warp_sum(acc[r][t]);
      if (lane == 0) partial[warp][r][t] = sum;
    }
  __syncthreads();
  for (int i = tid; i < groups * kRowsPerGroup * TT; i += blockDim.x) {
    const int g = i / (kRowsPerGroup * TT), r = (i / TT) % kRowsPerGroup, t = i % TT;
    const int row = g * kRowsPerGroup + r;
    if (row >= rows_here || t >= p.T) continue;
    float sum = 0.0f;
    for (int k = 0; k < wk; ++k) sum += partial[g * wk + k][r][t];
    const int64_t n = n0 + row;
    if (F::kRowScale) sum *= __ldg(p.scales + n);
    p.out[t * p.N + n] = sum + (p.bias ? __ldg(p.bias + n) : 0.0f);
  }
}

struct Choice {
  int rows, seg_blocks, stride;
  bool whole;
  unsigned smem;
};

int stride_for(int64_t seg_bytes) {
  return static_cast<int>((seg_bytes + 15 + 15) / 16 * 16 + 16);
}

// Launch shape knobs, for the benchmark's experiments only (ARCHSCOPE_PACKED_GEMV=
// "budget_kb,min_segments,max_rows,grid_factor"); the defaults are what bench_quant_cuda measured
// best on the H200.
struct Tuning {
  int budget = kStageBudget, min_segments = 2, max_rows = 32, grid_factor = 2;
};
const Tuning& tuning() {
  static const Tuning t = [] {
    Tuning v;
    if (const char* e = std::getenv("ARCHSCOPE_PACKED_GEMV")) {
      int b = 0, m = 0, r = 0, g = 0;
      if (std::sscanf(e, "%d,%d,%d,%d", &b, &m, &r, &g) == 4 && b >= 4 && b <= 200 && m >= 1 &&
          (r == 4 || r == 8 || r == 16 || r == 32) && g >= 1)
        v = {b * 1024, m, r, g};
    }
    return v;
  }();
  return t;
}

Choice choose(int64_t N, int64_t nb, int64_t block_bytes, int64_t row_bytes, int sms) {
  const Tuning& k = tuning();
  int rows = kRowsPerGroup;
  while (rows < k.max_rows && (N + rows * 2 - 1) / (rows * 2) >= k.grid_factor * sms) rows *= 2;
  // Whole rows when they fit (fewer rows per block if need be): one contiguous copy. The slack
  // after the last row covers the decode's reads past it (a channel format's partial last
  // 128-column block, the word after the last one).
  constexpr int64_t kSlack = 192;
  while (rows > kRowsPerGroup && rows * row_bytes + kSlack > k.budget) rows /= 2;
  if (rows * row_bytes + kSlack <= k.budget)
    return {rows, static_cast<int>(std::max<int64_t>(nb, 1)), 0, true,
            static_cast<unsigned>((rows * row_bytes + kSlack + 15) / 16 * 16)};
  // Long rows: segments in two buffers of budget / 2. The stride covers whole blocks: the
  // decode of a partial last block reads past the row's bytes, and those reads must stay in the
  // row's slot. >= min_segments segments, so the copy of one overlaps the decode of the previous.
  int64_t seg = std::max<int64_t>(1, (k.budget / 2 / rows - 48) / block_bytes);
  seg = std::min(seg, (nb + k.min_segments - 1) / k.min_segments);
  seg = std::max<int64_t>(1, std::min(seg, nb));
  const int stride = stride_for(seg * block_bytes);
  return {rows, static_cast<int>(seg), stride, false, static_cast<unsigned>(2 * stride * rows)};
}

template <PackedFormat PF, int TT>
void launch_one(CudaBackend& be, const Params& p, dim3 grid, unsigned smem) {
  static bool raised = false;
  if (!raised) {
    raised = true;
    allow_smem(packed_gemv_kernel<PF, TT>, 200 * 1024);
  }
  launch(be, packed_gemv_kernel<PF, TT>, grid, dim3(kWarps * 32), smem, p);
}

template <PackedFormat PF>
void launch_fmt(CudaBackend& be, const PackedGemvArgs& a) {
  using F = Fmt<PF>;
  Params p{};
  p.w = static_cast<const uint8_t*>(a.w);
  p.scales = a.scales;
  p.bias = a.bias;
  p.N = a.N;
  p.K = a.K;
  p.nb = (a.K + F::kB - 1) / F::kB;
  p.row_bytes = packed_row_bytes(PF, a.K);
  p.w_bytes = p.row_bytes * a.N;
  p.scale_cols = (a.K + 127) / 128;
  const Choice c = choose(a.N, p.nb, F::kBytes, p.row_bytes, be.sm_count());
  p.rows = c.rows;
  p.seg_blocks = c.seg_blocks;
  p.stride = c.stride;
  p.whole = c.whole;
  const unsigned smem = c.smem;
  const dim3 grid(ceil_div(a.N, c.rows));
  for (int64_t t0 = 0; t0 < a.T; t0 += 8) {
    p.x = a.x + t0 * a.K;
    p.out = a.out + t0 * a.N;
    p.T = std::min<int64_t>(8, a.T - t0);
    p.x_vec = a.K % 4 == 0 && reinterpret_cast<uintptr_t>(p.x) % 16 == 0;
    if (p.T == 1)
      launch_one<PF, 1>(be, p, grid, smem);
    else if (p.T == 2)
      launch_one<PF, 2>(be, p, grid, smem);
    else if (p.T <= 4)
      launch_one<PF, 4>(be, p, grid, smem);
    else
      launch_one<PF, 8>(be, p, grid, smem);
  }
}

void require(bool ok, const char* what) {
  if (!ok) throw Error(ErrorKind::Validation, "packed_gemv", what);
}

}  // namespace

namespace {

PackedGemvKernel g_kernel = PackedGemvKernel::Auto;

// Where the direct kernel was the faster of the two in bench_quant_cuda on the H200
// (docs/quant-cuda.md, 2026-12-01), judged by the 16 layers' GEMVs run as one 96-call sequence
// (a decode step): direct for q8_0 (952 against 971 us), q4_0 (732 / 756), mxfp4 (810 / 866),
// nf4 (818 / 827) and fp8-e4m3-block128 (996 / 1088); staged for int4-g128 (764 / 761),
// int8-channel (941 / 877) and fp8-e4m3-channel (928 / 844) except on matrices of few rows
// (k/v 512 x 2048: 2.9 against 3.8, 3.5 against 4.0 and 3.4 against 3.7 us), where the staged
// kernel's blocks of whole rows leave SMs idle.
// Within the direct kernels, the 64-register variant (packed_gemv_direct64.cu) was the faster
// one for q8_0, q4_0, mxfp4 and nf4 at one token row in two H200 calls (2026-12-01 23:54 and
// 2026-12-02 00:05 UTC, the same within 2%; docs/quant-cuda.md): 96-call sequence 800 against
// 952 us (q8_0), 659 / 731 (q4_0), 769 / 813 (mxfp4), 609 / 760 (nf4), except on the k/v
// matrices of 512 rows (q8_0 3.8 against 3.5 us). T > 1 was not measured with it.
bool auto_takes_direct64(const PackedGemvArgs& a) {
  const bool fmt = a.format == PackedFormat::Q8_0 || a.format == PackedFormat::Q4_0 ||
                   a.format == PackedFormat::Mxfp4 || a.format == PackedFormat::Nf4;
  return fmt && a.T == 1 && a.N > 1024 && packed_gemv_direct64_applies(a);
}

bool auto_takes_direct(const PackedGemvArgs& a) {
  if (a.format == PackedFormat::Int8Channel || a.format == PackedFormat::Fp8E4M3Channel ||
      a.format == PackedFormat::Int4G128)
    return a.N <= 1024;
  return true;
}

}  // namespace

void set_packed_gemv_kernel(PackedGemvKernel k) {
  g_kernel = k;
}
PackedGemvKernel packed_gemv_kernel() {
  return g_kernel;
}

void launch_packed_gemv(CudaBackend& be, const PackedGemvArgs& a) {
  require(a.T >= 0 && a.N >= 0 && a.K >= 0, "negative shape");
  if (a.T == 0 || a.N == 0) return;
  require(a.x && a.out && (a.w || a.K == 0), "null x, w or out");
  const bool scaled = packed_scale_count(a.format, a.N, a.K) > 0;
  require(!scaled || a.scales,
          std::string(packed_format_name(a.format)).append(" needs its scale array").c_str());
  if (g_kernel == PackedGemvKernel::Stream && packed_gemv_stream_applies(a))
    return launch_packed_gemv_stream(be, a);
  if ((g_kernel == PackedGemvKernel::Direct64 && packed_gemv_direct64_applies(a)) ||
      (g_kernel == PackedGemvKernel::Auto && auto_takes_direct64(a)))
    return launch_packed_gemv_direct64(be, a);
  if (g_kernel != PackedGemvKernel::Staged && packed_gemv_direct_applies(a) &&
      (g_kernel == PackedGemvKernel::Direct || g_kernel == PackedGemvKernel::Direct64 ||
       auto_takes_direct(a)))
    return launch_packed_gemv_direct(be, a);
  launch_packed_gemv_staged(be, a);
}

void launch_packed_gemv_staged(CudaBackend& be, const PackedGemvArgs& a) {
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
