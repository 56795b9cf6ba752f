// The skeleton Gemma 2 and Gemma 3 share (transformers' Gemma2/Gemma3 modeling files): the
// family-specific parts (q/k norms, soft-caps, layer patterns, local RoPE) stay in hf_gemma2.cpp
// and hf_gemma3.cpp.
#include <cmath>

#include "hf/hf_common.hpp"

namespace archscope::hf {

void read_gemma_core(const Reader& r, const CoreDefaults& d, ModelConfig& c) {
  read_core(r, d, c);
  read_gated_activation(r, "gelu_pytorch_tanh", c.ffn);

  // Gemma RMSNorm scales by (1 + w); pre and post norms wrap both sub-blocks.
  c.norm.kind = NormKind::RmsNormPlusOne;
  c.norm.placement = NormPlacement::Sandwich;
  c.embedding_scale = std::sqrt(static_cast<double>(c.d_model));

  auto& a = c.attention;
  a.qkv_bias = a.out_bias = r.boolean_or("attention_bias", false);
  const double qpas = r.number_or("query_pre_attn_scalar", 256.0);
  if (!(qpas > 0.0)) r.fail_value("query_pre_attn_scalar", "must be positive");
  a.scale = 1.0 / std::sqrt(qpas);
}

}  // namespace archscope::hf
