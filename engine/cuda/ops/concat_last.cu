// out[r, m] = a[r, m or 0] | b[r, m or 0]: joins two tensors along the last dim, a size-1 middle
// dim broadcasting over the heads (MLA's cache rows, naive-prefill keys and absorbed queries, one
// call for all tokens and heads). One thread per output element.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
struct ConcatParams {
  const float* a;
  const float* b;
  float* out;
  int64_t n, M, a_mid, b_mid, A, B;
};

__global__ void concat_last_kernel(ConcatParams p) {
  kernel_prologue();
  const int64_t W = p.A + p.B;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < p.n;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t c = i % W, rm = i / W, m = rm % p.M, r = rm / p.M;
    p.out[i] = c < p.A ? p.a[(r * p.a_mid + (p.a_mid == 1 ? 0 : m)) * p.A + c]
                       : p.b[(r * p.b_mid + (p.b_mid == 1 ? 0 : m)) * p.B + (c - p.A)];
  }
}
}  // namespace

void CudaBackend::concat_last(Stream& s, const Tensor& a, const Tensor& b, Tensor& out) {
  const char* op = "concat_last";
  CudaBackend& be = cuda_of(*this, s, op);
  const contract::ConcatDims d = contract::check_concat_last(a, b, out);
  ConcatParams p{};
  p.a = in_f32(a, op, "a");
  p.b = in_f32(b, op, "b");
  p.out = out_f32(out, op, "out");
  p.M = d.mid;
  p.a_mid = d.a_mid;
  p.b_mid = d.b_mid;
  p.A = d.a_width;
  p.B = d.b_width;
  p.n = d.rows * d.mid * (d.a_width + d.b_width);
  if (p.n == 0) return;
  const int64_t blocks = std::min<int64_t>(ceil_div(p.n, 256), 65535);
  launch(be, concat_last_kernel, dim3(static_cast<unsigned>(blocks)), dim3(256), 0, p);
}

}  // namespace archscope::cuda
