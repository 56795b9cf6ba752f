// Depthwise causal conv1d with carried state (Qwen3-Next's short conv over q/k/v), as
// transformers' torch_causal_conv1d_update: the input is the state (previous K-1 inputs) then the
// new tokens; out[t, c] = sum_i w[c, i] * in[t + i, c] (+ bias), SiLU after; the state keeps the
// last K-1 inputs. One thread per channel walks the tokens in order, reading inputs straight from
// the state and x (no window copy), then shifts the state (ascending, so it reads before writing).
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/activation_math.cuh"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {
struct ConvParams {
  const float* x;
  const void* w;
  const float* bias;
  float* state;
  float* out;
  int64_t T, C, K;
  int silu_after;
  FElem we;
};

__device__ __forceinline__ float conv_input(const ConvParams& p, const float* st, int64_t c,
                                            int64_t j) {
  return j < p.K - 1 ? st[j] : p.x[(j - (p.K - 1)) * p.C + c];
}

__global__ void conv1d_causal_kernel(ConvParams p) {
  kernel_prologue();
  const int64_t c = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (c >= p.C) return;
  float* st = p.state + c * (p.K - 1);
  for (int64_t t = 0; t < p.T; ++t) {
    float acc = p.bias ? p.bias[c] : 0.0f;
    for (int64_t i = 0; i < p.K; ++i)
      acc += load_elem(p.w, p.we, c * p.K + i) * conv_input(p, st, c, t + i);
    p.out[t * p.C + c] = p.silu_after ? silu(acc) : acc;
  }
  for (int64_t i = 0; i < p.K - 1; ++i) st[i] = conv_input(p, st, c, p.T + i);
}
}  // namespace

void CudaBackend::conv1d_causal(Stream& s, const Tensor& x, const Tensor& weight,
                                const Tensor& bias, Tensor& state, bool silu_after, Tensor& out) {
  const char* op = "conv1d_causal";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_conv1d_causal(x, weight, bias, state, out);
  ConvParams p{};
  p.x = in_f32(x, op, "x");
  check_float(weight, op, "weight");
  p.state = out_f32(state, op, "state");
  p.out = out_f32(out, op, "out");
  require(x.rank() == 2 && weight.rank() == 2, op, "x must be [T, C], weight [C, K]");
  p.T = x.dim(0);
  p.C = x.dim(1);
  p.K = weight.dim(1);
  require(weight.dim(0) == p.C && p.K >= 1, op, "weight must be [C, K]");
  check_shape(state, {p.C, p.K - 1}, op, "state");
  check_shape(out, {p.T, p.C}, op, "out");
  if (bias.defined()) {
    p.bias = in_f32(bias, op, "bias");
    check_shape(bias, {p.C}, op, "bias");
  }
  check_no_overlap(out, x, op, "out must not overlap x");
  p.w = dptr(weight);
  p.we = felem(weight.elem());
  p.silu_after = silu_after;
  launch(be, conv1d_causal_kernel, dim3(ceil_div(p.C, 128)), dim3(128), 0, p);
}

}  // namespace archscope::cuda
