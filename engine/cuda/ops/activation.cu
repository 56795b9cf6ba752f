// Elementwise activations (dense GELU/ReLU FFNs, sigmoid gates); out may alias x.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/activation_math.cuh"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/elementwise.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
struct ActivationParams {
  const float* x;
  float* out;
  int64_t n;
  int kind;  // Activation
};

__global__ void activation_kernel(ActivationParams p) {
  kernel_prologue();
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < p.n;
       i += stride) {
    const float v = p.x[i];
    float y = v;
    switch (static_cast<Activation>(p.kind)) {
      case Activation::GeluTanh:
        y = gelu_tanh(v);
        break;
      case Activation::GeluExact:
        y = gelu_exact(v);
        break;
      case Activation::Relu:
        y = relu(v);
        break;
      case Activation::Silu:
        y = silu(v);
        break;
      case Activation::Sigmoid:
        y = sigmoid(v);
        break;
    }
    p.out[i] = y;
  }
}
}  // namespace

void CudaBackend::activation(Stream& s, const Tensor& x, Tensor& out, Activation a) {
  const char* op = "activation";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_activation(x, out);
  ActivationParams p{};
  p.x = in_f32(x, op, "x");
  p.out = out_f32(out, op, "out");
  require(out.numel() == x.numel(), op, "out size differs from x");
  p.n = x.numel();
  p.kind = static_cast<int>(a);
  launch(be, activation_kernel, dim3(elementwise_grid(p.n, be.sm_count())), dim3(256), 0, p);
}

}  // namespace archscope::cuda
