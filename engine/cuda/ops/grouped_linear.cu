// Per-expert linear over rows grouped by moe_group, with the group offsets in device memory:
// out[r] = x[r] . w[e(r)]^T (+ bias[e(r)]) where e(r) is the expert whose [offsets[e],
// offsets[e+1]) holds r. Three kernels (kernel choice `experts`, backend/kernel_choices.hpp):
// - gemv (gemm/grouped_gemv.cu; auto up to 4 rows per expert on average: decode, small batches):
//   each tile of up to 8 rows of one expert streams that expert's weight rows once, so only the
//   selected experts are read, in one launch; fp32 arithmetic on any weight dtype;
// - tensor (gemm/grouped_mma.cu; auto above that for bf16 experts, unless linear=gemv or
//   gemv-stream asked for fp32 arithmetic): tensor-core tiles of 64 rows of one expert,
//   activations rounded to bf16 (u_bf16 * sum|x w| per output, as the dense linear's cuBLASLt);
// - tiles (below, the first kernel, kept so a run can show what the others are worth): 8
//   outputs x 8 rows per block, each block finding its rows' experts by binary search and each
//   warp streaming one weight row per expert of the tile with one load in flight per lane.
// A row outside every range is reported and left unwritten.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/gemm/grouped.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"
#include "cuda/kernels/weight_chunk.cuh"
#include "cuda/quant/packed_gemv.hpp"

namespace archscope::cuda {

namespace {

constexpr int kWarps = 8, kRows = 8;
// Average rows per expert up to which `experts=auto` streams the weights (gemv): below it most
// experts' weights are read once either way, and the GEMV has no tile of 64 rows to fill.
constexpr int64_t kGemvMaxRowsPerExpert = 4;

struct GroupedParams {
  const float* x;
  const void* w;
  const float* bias;
  const int32_t* offsets;
  float* out;
  DeviceErrors* err;
  int64_t R, N, K, E;
};

template <class W, bool VEC>
__global__ void __launch_bounds__(kWarps * 32) grouped_linear_kernel(GroupedParams p) {
  kernel_prologue();
  __shared__ int expert[kRows];
  const int lane = threadIdx.x & 31;
  const int64_t r0 = static_cast<int64_t>(blockIdx.y) * kRows,
                n = static_cast<int64_t>(blockIdx.x) * kWarps + (threadIdx.x >> 5);
  if (threadIdx.x < kRows) {
    const int64_t r = r0 + threadIdx.x;
    int e = -1;
    if (r < p.R) {
      int64_t lo = 0, hi = p.E;  // the last e with offsets[e] <= r, then check r < offsets[e + 1]
      while (hi - lo > 1) {
        const int64_t mid = (lo + hi) / 2;
        if (p.offsets[mid] <= r)
          lo = mid;
        else
          hi = mid;
      }
      if (p.offsets[lo] <= r && r < p.offsets[lo + 1])
        e = static_cast<int>(lo);  // else: bad offsets
    }
    expert[threadIdx.x] = e;
  }
  // The first block checks the offsets as the contract states them (the rows it cannot place
  // were skipped above, so bad offsets never index out of bounds).
  if (blockIdx.x == 0 && blockIdx.y == 0 && threadIdx.x == 0) {
    if (p.offsets[0] != 0 || p.offsets[p.E] != p.R) {
      report(p.err, DeviceCheck::GroupOffsetsEnds, p.offsets[0], p.offsets[p.E], p.R);
    } else {
      for (int64_t e = 0; e < p.E; ++e)
        if (p.offsets[e] > p.offsets[e + 1]) {
          report(p.err, DeviceCheck::GroupOffsetsDecrease, e, 0);
          break;
        }
    }
  }
  __syncthreads();
  if (n >= p.N) return;
  float acc[kRows];
#pragma unroll
  for (int j = 0; j < kRows; ++j) acc[j] = 0.0f;
  constexpr int EC = 16 / sizeof(W);
  for (int ga = 0; ga < kRows;) {
    const int e = expert[ga];
    int gb = ga + 1;
    while (gb < kRows && expert[gb] == e) ++gb;
    if (e >= 0) {
      const W* wrow = static_cast<const W*>(p.w) + (static_cast<int64_t>(e) * p.N + n) * p.K;
      if (VEC) {
        const uint4* wv = reinterpret_cast<const uint4*>(wrow);
        for (int64_t c = lane; c < p.K / EC; c += 32) {
          const uint4 raw = wv[c];
#pragma unroll
          for (int j = 0; j < kRows; ++j)
            if (j >= ga && j < gb) fma_chunk<W>(raw, p.x + (r0 + j) * p.K + c * EC, acc[j]);
        }
      } else {
        for (int64_t c = lane; c < p.K; c += 32) {
          const float wk = to_float(wrow[c]);
#pragma unroll
          for (int j = 0; j < kRows; ++j)
            if (j >= ga && j < gb) acc[j] = fmaf(wk, p.x[(r0 + j) * p.K + c], acc[j]);
        }
      }
    }
    ga = gb;
  }
#pragma unroll
  for (int j = 0; j < kRows; ++j) {
    const float v = warp_sum(acc[j]);
    if (lane == 0 && expert[j] >= 0)
      p.out[(r0 + j) * p.N + n] =
          v + (p.bias ? p.bias[static_cast<int64_t>(expert[j]) * p.N + n] : 0.0f);
  }
}

template <class W>
void launch_grouped(CudaBackend& be, const GroupedParams& p, bool vec) {
  const dim3 grid(ceil_div(p.N, kWarps), ceil_div(p.R, kRows)), block(kWarps * 32);
  if (vec)
    launch(be, grouped_linear_kernel<W, true>, grid, block, 0, p);
  else
    launch(be, grouped_linear_kernel<W, false>, grid, block, 0, p);
}

}  // namespace

void CudaBackend::grouped_linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                                 const Tensor& offsets, Tensor& out) {
  const char* op = "grouped_linear";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_grouped_linear(x, w, bias, offsets, out);
  GroupedParams p{};
  p.x = in_f32(x, op, "x");
  const bool packed = elem_is_packed(w.elem());
  if (packed)
    require_f(supports_packed(w.elem()), op,
              [&] { return std::string("no packed kernel for ") + to_string(w.elem()); });
  else
    check_float(w, op, "w");
  require(x.rank() == 2 && w.rank() == 3, op, "x must be [R, K] and w [E, N, K]");
  p.R = x.dim(0);
  p.K = x.dim(1);
  p.E = w.dim(0);
  p.N = w.dim(1);
  require_f(w.dim(2) == p.K, op, [&] {
    return "w " + shape_string(w.shape()) + " does not match x " + shape_string(x.shape());
  });
  p.out = out_f32(out, op, "out");
  check_shape(out, {p.R, p.N}, op, "out");
  if (bias.defined()) {
    p.bias = in_f32(bias, op, "bias");
    check_shape(bias, {p.E, p.N}, op, "bias");
  }
  p.offsets = in_i32(offsets, op, "offsets");
  check_shape(offsets, {p.E + 1}, op, "offsets");
  check_no_overlap(out, x, op, "out must not overlap x");
  if (p.R == 0 || p.N == 0) return;
  p.w = dptr(w);
  p.err = be.device_errors();
  GroupedArgs g;
  g.x = p.x;
  g.w = p.w;
  g.bias = p.bias;
  g.offsets = p.offsets;
  g.out = p.out;
  g.err = p.err;
  g.R = p.R;
  g.N = p.N;
  g.K = p.K;
  g.E = p.E;
  std::shared_ptr<Buffer> dequantized;
  if (packed) {
    // Packed experts [E, N, K] (E·N packed rows): dequantized into fp32 scratch — exactly the
    // layout's values — and run by the fp32 kernels. Correct, not fast: it writes every
    // expert's fp32 weights each call; a packed grouped GEMV that skips idle experts is not built.
    dequantized = be.scratch(static_cast<size_t>(p.E * p.N * p.K) * sizeof(float));
    float* wd = static_cast<float*>(dequantized->handle());
    launch_packed_dequantize(be, packed_format_of(w.elem()), p.w,
                             packed_row_scales(w, p.E * p.N, op), p.E * p.N, p.K, wd);
    p.w = g.w = wd;
    g.we = FElem::F32;
  } else {
    g.we = felem(w.elem());
  }
  const KernelChoices& k = kernels();
  if (k.experts == ExpertsKernel::Tiles) {
    const size_t wb = g.we == FElem::F32 ? 4 : 2;
    const bool vec = p.K % static_cast<int64_t>(16 / wb) == 0 &&
                     reinterpret_cast<uintptr_t>(p.w) % 16 == 0 &&
                     reinterpret_cast<uintptr_t>(p.x) % 16 == 0;
    switch (g.we) {
      case FElem::BF16:
        return launch_grouped<__nv_bfloat16>(be, p, vec);
      case FElem::F16:
        return launch_grouped<__half>(be, p, vec);
      default:
        return launch_grouped<float>(be, p, vec);
    }
  }
  const bool fp32_asked = k.linear == LinearKernel::Gemv || k.linear == LinearKernel::GemvStream;
  const bool tensor =
      k.experts == ExpertsKernel::Tensor ||
      (k.experts == ExpertsKernel::Auto && !fp32_asked && p.R > kGemvMaxRowsPerExpert * p.E);
  if (tensor && grouped_mma_supports(g)) return launch_grouped_mma(be, g);
  launch_grouped_gemv(be, g);
}

}  // namespace archscope::cuda
