// out[r] = argmax of row r of x, the lowest index on ties; a row with a NaN gets -1 - (the index
// of its first NaN). Greedy decoding's next token without the logits leaving the device: one
// block per row, each thread keeps the best (value, index) and first NaN of its stride, then a
// warp-shuffle and shared-memory reduction under the same order (larger value, else lower index).
#include <cfloat>
#include <climits>

#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {

constexpr int kArgmaxThreads = 512;

struct ArgmaxParams {
  const float* x;
  int32_t* out;
  int64_t width;
};

struct Best {
  float v;
  int i;    // INT_MAX: none yet
  int nan;  // first NaN index, INT_MAX: none
};

__device__ __forceinline__ Best better(Best a, Best b) {
  Best r;
  r.nan = min(a.nan, b.nan);
  const bool take_b = b.v > a.v || (b.v == a.v && b.i < a.i);
  r.v = take_b ? b.v : a.v;
  r.i = take_b ? b.i : a.i;
  return r;
}

__global__ void argmax_kernel(ArgmaxParams p) {
  kernel_prologue();
  const float* row = p.x + static_cast<int64_t>(blockIdx.x) * p.width;
  Best b{-INFINITY, INT_MAX, INT_MAX};
  for (int64_t c = threadIdx.x; c < p.width; c += blockDim.x) {
    const float v = row[c];
    if (isnan(v)) {
      b.nan = min(b.nan, static_cast<int>(c));
    } else if (v > b.v || (v == b.v && static_cast<int>(c) < b.i)) {
      b.v = v;
      b.i = static_cast<int>(c);
    }
  }
  for (int o = 16; o > 0; o >>= 1) {
    Best other;
    other.v = __shfl_xor_sync(0xffffffffu, b.v, o);
    other.i = __shfl_xor_sync(0xffffffffu, b.i, o);
    other.nan = __shfl_xor_sync(0xffffffffu, b.nan, o);
    b = better(b, other);
  }
  __shared__ Best warp_best[kArgmaxThreads / 32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0) warp_best[warp] = b;
  __syncthreads();
  if (threadIdx.x == 0) {
    Best r = warp_best[0];
    for (int w = 1; w < static_cast<int>(blockDim.x >> 5); ++w) r = better(r, warp_best[w]);
    // Every value -inf: the lowest index (0), as the host's max_element.
    const int best = r.i == INT_MAX ? 0 : r.i;
    p.out[blockIdx.x] = r.nan != INT_MAX ? -1 - r.nan : best;
  }
}

}  // namespace

void CudaBackend::argmax(Stream& s, const Tensor& x, Tensor& out) {
  const char* op = "argmax";
  CudaBackend& be = cuda_of(*this, s, op);
  const contract::ArgmaxDims d = contract::check_argmax(x, out);
  require(d.width <= INT_MAX, op, "rows wider than 2^31 - 1");
  ArgmaxParams p{};
  p.x = in_f32(x, op, "x");
  p.out = out_i32(out, op, "out");
  p.width = d.width;
  launch(be, argmax_kernel, dim3(static_cast<unsigned>(d.rows)), dim3(kArgmaxThreads), 0, p);
}

}  // namespace archscope::cuda
