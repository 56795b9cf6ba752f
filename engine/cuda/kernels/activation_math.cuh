// Device twins of engine/cpu/activation_math.hpp: the formulas as transformers defines them
// (gelu_pytorch_tanh / gelu / silu / relu), in accurate fp32 (expf, tanhf, erff; no fast math).
#pragma once

namespace archscope::cuda {

__device__ __forceinline__ float sigmoid(float x) {
  return 1.0f / (1.0f + expf(-x));
}
__device__ __forceinline__ float silu(float x) {
  return x * sigmoid(x);
}
__device__ __forceinline__ float gelu_tanh(float x) {
  constexpr float k = 0.7978845608028654f;  // sqrt(2 / pi)
  return 0.5f * x * (1.0f + tanhf(k * (x + 0.044715f * x * x * x)));
}
__device__ __forceinline__ float gelu_exact(float x) {
  return 0.5f * x * (1.0f + erff(x * 0.7071067811865476f));
}
__device__ __forceinline__ float relu(float x) {
  return x > 0.0f ? x : 0.0f;
}

}  // namespace archscope::cuda
