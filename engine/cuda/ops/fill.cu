// out[:] = value, F32 or I32 (an integer value in int32 range): zeroes accumulators and sets
// index tables without a host upload.
#include <cmath>
#include <cstring>
#include <limits>

#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/elementwise.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
struct FillParams {
  void* out;
  int64_t n;
  uint32_t bits;  // the 32-bit pattern of the F32 or I32 value
};

__global__ void fill_kernel(FillParams p) {
  kernel_prologue();
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  uint32_t* y = static_cast<uint32_t*>(p.out);
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < p.n;
       i += stride)
    y[i] = p.bits;
}
}  // namespace

void CudaBackend::fill(Stream& s, Tensor& out, float value) {
  const char* op = "fill";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_fill(out, value);
  check_owned(out, op, "out");
  FillParams p{};
  if (out.elem() == Elem::I32) {
    require(std::nearbyint(value) == value &&
                value >= static_cast<float>(std::numeric_limits<int32_t>::min()) &&
                value <= static_cast<float>(std::numeric_limits<int32_t>::max()) - 128.0f,
            op, "value is not an int32 for an I32 tensor");
    const int32_t v = static_cast<int32_t>(value);
    std::memcpy(&p.bits, &v, 4);
    p.out = out_i32(out, op, "out");
  } else {
    p.out = out_f32(out, op, "out");
    std::memcpy(&p.bits, &value, 4);
  }
  p.n = out.numel();
  launch(be, fill_kernel, dim3(elementwise_grid(p.n, be.sm_count())), dim3(256), 0, p);
}

}  // namespace archscope::cuda
