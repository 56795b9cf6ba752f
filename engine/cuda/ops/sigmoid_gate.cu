// out = x * sigmoid(gate): Qwen3-Next's attention output gate (gate per element) and its shared
// expert gate (one gate logit per row, broadcast). out may alias x.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/activation_math.cuh"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/elementwise.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
struct GateParams {
  const float* x;
  const float* gate;
  float* out;
  int64_t n, width;
  int per_row;
};

__global__ void sigmoid_gate_kernel(GateParams p) {
  kernel_prologue();
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < p.n;
       i += stride)
    p.out[i] = p.x[i] * sigmoid(p.per_row ? p.gate[i / p.width] : p.gate[i]);
}
}  // namespace

void CudaBackend::sigmoid_gate(Stream& s, const Tensor& x, const Tensor& gate, Tensor& out) {
  const char* op = "sigmoid_gate";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_sigmoid_gate(x, gate, out);
  GateParams p{};
  p.x = in_f32(x, op, "x");
  p.gate = in_f32(gate, op, "gate");
  p.out = out_f32(out, op, "out");
  require(x.rank() == 2 && gate.rank() == 2 && gate.dim(0) == x.dim(0) &&
              (gate.dim(1) == x.dim(1) || gate.dim(1) == 1),
          op, "gate must be [T, W] or [T, 1] for x [T, W]");
  require(out.numel() == x.numel(), op, "out size differs from x");
  p.n = x.numel();
  p.width = x.dim(1);
  p.per_row = gate.dim(1) == 1 && p.width != 1;
  launch(be, sigmoid_gate_kernel, dim3(elementwise_grid(p.n, be.sm_count())), dim3(256), 0, p);
}

}  // namespace archscope::cuda
