// Scalar activation formulas shared by the activation and GLU ops, written as transformers
// defines them (gelu_pytorch_tanh / gelu / silu / relu).
#pragma once

#include <cmath>

namespace archscope::cpu {

inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }
inline float silu(float x) { return x * sigmoid(x); }
inline float gelu_tanh(float x) {
  constexpr float k = 0.7978845608028654f;  // sqrt(2 / pi)
  return 0.5f * x * (1.0f + std::tanh(k * (x + 0.044715f * x * x * x)));
}
inline float gelu_exact(float x) { return 0.5f * x * (1.0f + std::erf(x * 0.7071067811865476f)); }
inline float relu(float x) { return x > 0.0f ? x : 0.0f; }

}  // namespace archscope::cpu
