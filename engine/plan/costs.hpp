// FLOPs charged for element-wise work, per element. Matmul-like work is exact (2 per multiply-add);
// these small counts are conventions, written once here so every op uses the same ones.
// A transcendental (exp, tanh, log, erf) counts as 1 FLOP.
#pragma once

#include <cstdint>

#include "config/model_config.hpp"

namespace archscope::costs {

inline constexpr int64_t kRmsNorm = 4;         // square+accumulate (2), normalise (1), weight (1)
inline constexpr int64_t kRmsNormPlusOne = 5;  // as RMSNorm, plus the 1 + w add
inline constexpr int64_t kLayerNorm = 6;       // mean (1), centre (1), variance (2), normalise, weight
inline constexpr int64_t kNormBias = 1;        // LayerNorm bias add
inline constexpr int64_t kL2Norm = 3;          // square+accumulate (2), divide (1)
inline constexpr int64_t kSigmoid = 4;         // negate, exp, add, divide
inline constexpr int64_t kSilu = 5;            // sigmoid + multiply
inline constexpr int64_t kGeluTanh = 9;        // x³ (2), fma (2), tanh, add, two multiplies, halve
inline constexpr int64_t kGeluErf = 5;         // divide, erf, add, two multiplies
inline constexpr int64_t kRelu = 1;
// gpt-oss: clamp gate (1), clamp up (2), alpha·g (1), sigmoid (4), g·s (1), up + 1 (1), product (1).
inline constexpr int64_t kSwiGluClamped = 11;
inline constexpr int64_t kRope = 3;            // x·cos − y·sin per rotated element
inline constexpr int64_t kSoftmax = 5;         // per score: max, subtract, exp, sum, divide
inline constexpr int64_t kScoreScale = 1;      // per score: the softmax scale
inline constexpr int64_t kSoftcap = 3;         // divide, tanh, multiply
inline constexpr int64_t kTopKSelect = 1;      // per candidate expert: one comparison pass
// Gated DeltaNet gates per value head and token: g = −exp(A_log)·softplus(a + dt_bias) is add,
// softplus (exp, add, log), exp, multiply, negate = 7; beta = sigmoid(b) = 4.
inline constexpr int64_t kDeltaGates = 11;

// Whether the FFN has a gate projection (GLU family).
inline bool ffn_gated(FfnKind kind) {
  return kind == FfnKind::SwiGlu || kind == FfnKind::GeGlu || kind == FfnKind::SwiGluClamped;
}

// FLOPs per intermediate element of the FFN activation (GLU: act(gate) · up, the product included).
inline int64_t ffn_activation(const FfnConfig& ffn) {
  switch (ffn.kind) {
    case FfnKind::SwiGlu: return kSilu + 1;
    case FfnKind::GeGlu: return (ffn.gelu_tanh ? kGeluTanh : kGeluErf) + 1;
    case FfnKind::SwiGluClamped: return kSwiGluClamped;
    case FfnKind::Gelu: return ffn.gelu_tanh ? kGeluTanh : kGeluErf;
    case FfnKind::Relu: return kRelu;
  }
  return 0;
}

inline int64_t norm_per_element(NormKind kind, bool bias) {
  switch (kind) {
    case NormKind::RmsNorm: return kRmsNorm;
    case NormKind::RmsNormPlusOne: return kRmsNormPlusOne;
    case NormKind::LayerNorm: return kLayerNorm + (bias ? kNormBias : 0);
  }
  return 0;
}

}  // namespace archscope::costs
