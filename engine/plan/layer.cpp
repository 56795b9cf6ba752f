// One decoder layer: norms placed per norm.placement around the attention and FFN blocks, each
// block closed by its residual add.
//   Pre:      input_norm → attention → residual → pre_ffn_norm → FFN → residual
//   Post:     attention → post_attn_norm → residual → FFN → post_ffn_norm → residual
//   Sandwich: input_norm → attention → post_attn_norm → residual → pre_ffn_norm → FFN →
//             post_ffn_norm → residual
#include "plan/builder.hpp"
#include "plan/costs.hpp"

namespace archscope::plan_detail {

LayerPlan build_layer(const Builder& b, const LayerSpec& spec) {
  const ModelConfig& c = b.config;
  const NormPlacement placement = c.norm.placement;
  const bool pre = placement != NormPlacement::Post;
  const bool post = placement != NormPlacement::Pre;
  const int64_t norm_flops = costs::norm_per_element(c.norm.kind, c.norm.bias);
  auto norm = [&](const char* name) {
    return finish(b.norm(name, 1, c.d_model, c.d_model, c.norm.bias, norm_flops));
  };
  const Component ffn_component = spec.moe ? Component::RoutedExperts : Component::DenseFfn;

  LayerPlan layer;
  layer.spec = spec;
  std::vector<Op>& ops = layer.ops;
  if (pre) ops.push_back(norm("input_norm"));
  switch (spec.attention) {
    case AttentionKind::Mla: add_mla(b, spec, ops); break;
    case AttentionKind::Linear: add_linear_attention(b, spec, ops); break;
    case AttentionKind::Full:
    case AttentionKind::Sliding:
    case AttentionKind::Chunked: add_attention(b, spec, ops); break;
  }
  if (post) ops.push_back(norm("post_attn_norm"));
  ops.push_back(finish(b.residual("attn_residual", Component::Attention)));

  if (pre) ops.push_back(norm("pre_ffn_norm"));
  if (spec.moe) {
    add_moe(b, ops);
  } else {
    add_dense_ffn(b, ops);
  }
  if (post) ops.push_back(norm("post_ffn_norm"));
  ops.push_back(finish(b.residual("ffn_residual", ffn_component)));
  return layer;
}

}  // namespace archscope::plan_detail
