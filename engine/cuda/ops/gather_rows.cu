// out[i] = x[rows[i]]: selects rows of an activation tensor (the last position of each sequence
// before the LM head). One block per selected row; a bad row index is reported, not read.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
struct GatherParams {
  const float* x;
  const int32_t* rows;
  float* out;
  DeviceErrors* err;
  int64_t n, width;
};

__global__ void gather_rows_kernel(GatherParams p) {
  kernel_prologue();
  const int64_t i = blockIdx.x, r = p.rows[i];
  if (r < 0 || r >= p.n) {
    if (threadIdx.x == 0) report(p.err, DeviceCheck::GatherRow, r, p.n);
    return;
  }
  for (int64_t c = threadIdx.x; c < p.width; c += blockDim.x)
    p.out[i * p.width + c] = p.x[r * p.width + c];
}
}  // namespace

void CudaBackend::gather_rows(Stream& s, const Tensor& x, const Tensor& rows, Tensor& out) {
  const char* op = "gather_rows";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_gather_rows(x, rows, out);
  GatherParams p{};
  p.x = in_f32(x, op, "x");
  p.rows = in_i32(rows, op, "rows");
  p.out = out_f32(out, op, "out");
  require(x.rank() >= 1 && rows.rank() == 1, op, "x needs a row dimension and rows must be 1-D");
  p.n = x.dim(0);
  const int64_t r = rows.dim(0);
  p.width = p.n == 0 ? 0 : x.numel() / p.n;
  require_f(out.numel() == r * p.width && (out.rank() == 0 || out.dim(0) == r), op, [&] {
    return "out " + shape_string(out.shape()) + " does not hold " + std::to_string(r) +
           " rows of " + std::to_string(p.width);
  });
  // Distinct buffers only: a row copied onto a row another block still reads would race.
  check_no_overlap(out, x, op, "out must not overlap x");
  p.err = be.device_errors();
  launch(be, gather_rows_kernel, dim3(static_cast<unsigned>(r)), dim3(256), 0, p);
}

}  // namespace archscope::cuda
