// out[index[r], :] += weight[r] * src[r, :]: the MoE combine. One block per source row adds with
// fp32 atomics, so rows sharing an index add in an unspecified order (the contract allows fp32
// rounding differences of a k-term sum). An index outside [0, N) is reported and skipped.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
struct IndexAddParams {
  const float* src;
  const int32_t* index;
  const float* weight;
  float* out;
  DeviceErrors* err;
  int64_t W, N;
};

__global__ void index_add_kernel(IndexAddParams p) {
  kernel_prologue();
  const int64_t r = blockIdx.x, dst = p.index[r];
  if (dst < 0 || dst >= p.N) {
    if (threadIdx.x == 0) report(p.err, DeviceCheck::IndexRow, dst, p.N);
    return;
  }
  const float f = p.weight ? p.weight[r] : 1.0f;
  for (int64_t i = threadIdx.x; i < p.W; i += blockDim.x)
    atomicAdd(p.out + dst * p.W + i, f * p.src[r * p.W + i]);
}
}  // namespace

void CudaBackend::index_add(Stream& s, const Tensor& src, const Tensor& index, const Tensor& weight,
                            Tensor& out) {
  const char* op = "index_add";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_index_add(src, index, weight, out);
  IndexAddParams p{};
  p.src = in_f32(src, op, "src");
  p.index = in_i32(index, op, "index");
  p.out = out_f32(out, op, "out");
  require(src.rank() == 2 && out.rank() == 2, op, "src and out must be 2-D");
  const int64_t R = src.dim(0);
  p.W = src.dim(1);
  p.N = out.dim(0);
  require_f(out.dim(1) == p.W, op, [&] {
    return "out " + shape_string(out.shape()) + " and src " + shape_string(src.shape()) +
           " differ in width";
  });
  check_shape(index, {R}, op, "index");
  if (weight.defined()) {
    p.weight = in_f32(weight, op, "weight");
    check_shape(weight, {R}, op, "weight");
  }
  check_no_overlap(out, src, op, "src overlaps out");
  p.err = be.device_errors();
  launch(be, index_add_kernel, dim3(static_cast<unsigned>(R)), dim3(p.W >= 256 ? 256 : 64), 0, p);
}

}  // namespace archscope::cuda
