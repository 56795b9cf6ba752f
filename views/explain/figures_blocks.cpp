// Figures of the block topics: norms, gated FFNs, MoE routing, shared experts, weight tying.
#include <cmath>

#include "explain/explain_format.hpp"
#include "explain/figures_topics.hpp"

namespace archscope::explain::detail {

void norms(Variables& v, const Analysis& a) {
  const ModelConfig& c = *a.config;
  v["is_pre"] = flag(c.norm.placement == NormPlacement::Pre);
  v["is_post"] = flag(c.norm.placement == NormPlacement::Post);
  v["is_sandwich"] = flag(c.norm.placement == NormPlacement::Sandwich);
  v["norm_kind"] = text(c.norm.kind == NormKind::LayerNorm ? "LayerNorm"
                        : c.norm.kind == NormKind::RmsNorm ? "RMSNorm"
                                                           : "RMSNorm with (1 + w) weights");
  v["is_layernorm"] = flag(c.norm.kind == NormKind::LayerNorm);
  const double total = static_cast<double>(a.params.total);
  const double norm_params = static_cast<double>(component_params(a, Component::Norms));
  v["norm_params"] = count(norm_params);
  v["norm_share"] = percent(norm_params, total);
  int64_t per_layer = 0;
  double qk_params = 0;
  if (!a.decode.layers.empty()) {
    for (const Op& op : a.decode.layers.front().ops) per_layer += op.kind == OpKind::Norm ? 1 : 0;
  }
  for (const LayerPlan& l : a.decode.layers)
    for (const Op& op : l.ops)
      if (op.name == "q_norm" || op.name == "k_norm") qk_params += static_cast<double>(op.params);
  v["norms_per_layer"] = count(static_cast<double>(per_layer));
  v["has_qk_norm"] = flag(c.attention.qk_norm != QkNormKind::None);
  v["qk_norm"] = text(to_string(c.attention.qk_norm));
  v["qk_norm_params"] = count(qk_params);
  v["eps"] = text(nlohmann::json(c.norm.eps).dump());
}

void glu(Variables& v, const Analysis& a) {
  const ModelConfig& c = *a.config;
  const FfnKind k = c.ffn.kind;
  const bool gated = k == FfnKind::SwiGlu || k == FfnKind::GeGlu || k == FfnKind::SwiGluClamped;
  v["ffn_kind"] = text(k == FfnKind::SwiGlu  ? "SwiGLU"
                       : k == FfnKind::GeGlu ? "GeGLU"
                       : k == FfnKind::Gelu  ? "GELU"
                       : k == FfnKind::Relu  ? "ReLU"
                                             : "clamped SwiGLU");
  v["is_gated"] = flag(gated);
  v["is_geglu"] = flag(k == FfnKind::GeGlu);
  v["d_ff"] = count(static_cast<double>(c.ffn.d_ff));
  v["ffn_ratio"] = number(
      c.d_model > 0 ? static_cast<double>(c.ffn.d_ff) / static_cast<double>(c.d_model) : 0, 2);
  const int64_t dense = count_layers(a, [](const LayerSpec& l) { return !l.moe; });
  const double dense_params = static_cast<double>(component_params(a, Component::DenseFfn));
  v["dense_layers"] = count(static_cast<double>(dense));
  v["has_dense"] = flag(dense > 0);
  v["dense_ffn_params"] = params(dense_params);
  v["ffn_params_per_layer"] = params(dense > 0 ? dense_params / static_cast<double>(dense) : 0);
  v["ffn_share"] = percent(dense_params, static_cast<double>(a.params.total));
  v["matrices"] = count(gated ? 3 : 2);
  // A plain (two-matrix) FFN with the same parameters is 1.5 × as wide as a gated one.
  v["ungated_width"] =
      count(gated ? 1.5 * static_cast<double>(c.ffn.d_ff) : static_cast<double>(c.ffn.d_ff));
}

void moe_routing(Variables& v, const Analysis& a) {
  const ModelConfig& c = *a.config;
  const MoeConfig& m = c.moe;
  const int64_t moe_layers = count_layers(a, [](const LayerSpec& l) { return l.moe; });
  const auto& routed = a.components[static_cast<size_t>(Component::RoutedExperts)];
  v["experts"] = count(static_cast<double>(m.experts));
  v["top_k"] = count(static_cast<double>(m.top_k));
  v["expert_d_ff"] = count(static_cast<double>(m.expert_d_ff));
  v["moe_layers"] = count(static_cast<double>(moe_layers));
  v["routed_params"] = params(static_cast<double>(routed.params));
  v["routed_active"] = params(static_cast<double>(routed.params_active));
  v["routed_share"] =
      percent(static_cast<double>(routed.params), static_cast<double>(a.params.total));
  v["active_share"] =
      percent(static_cast<double>(a.params.active), static_cast<double>(a.params.total));
  v["expert_params"] =
      params(m.experts > 0 && moe_layers > 0
                 ? static_cast<double>(routed.params) / static_cast<double>(m.experts * moe_layers)
                 : 0);
  v["router_params"] = count(static_cast<double>(component_params(a, Component::Router)));
  v["is_sigmoid"] = flag(m.scoring == RouterScoring::Sigmoid);
  v["scoring"] = text(to_string(m.scoring));
  v["has_groups"] = flag(m.groups > 1);
  v["groups"] = count(static_cast<double>(m.groups));
  v["top_groups"] = count(static_cast<double>(m.top_groups));
  v["eligible"] =
      count(m.groups > 0 ? static_cast<double>(m.experts * m.top_groups / m.groups) : 0);
  v["renormalize"] = flag(m.renormalize);
  v["routed_scaling"] = number(m.routed_scaling, 2);
  v["has_scaling"] = flag(m.routed_scaling != 1.0);
  v["active_fraction"] = percent(static_cast<double>(m.top_k), static_cast<double>(m.experts));
}

void shared_experts(Variables& v, const Analysis& a) {
  const MoeConfig& m = a.config->moe;
  v["shared_experts"] = count(static_cast<double>(m.shared_experts));
  v["has_shared"] = flag(m.shared_experts > 0);
  v["shared_d_ff"] = count(static_cast<double>(m.shared_d_ff));
  v["shared_params"] = params(static_cast<double>(component_params(a, Component::SharedExperts)));
  v["experts"] = count(static_cast<double>(m.experts));
  v["top_k"] = count(static_cast<double>(m.top_k));
  // Balanced routing of the prefill's batch × context tokens: each expert of a layer gets top_k /
  // experts of them; a capacity factor of 1.25 is the buffer Switch Transformer used.
  const double tokens = static_cast<double>(a.options.batch * a.options.context);
  const double per_expert =
      m.experts > 0 ? tokens * static_cast<double>(m.top_k) / static_cast<double>(m.experts) : 0;
  v["tokens"] = count(tokens);
  v["tokens_per_expert"] = number(per_expert, 1);
  v["capacity"] = count(std::ceil(1.25 * per_expert));
  v["selection_bias"] = flag(m.selection_bias);
  v["shared_gate"] = flag(m.shared_gate);
}

void weight_tying(Variables& v, const Analysis& a) {
  const ModelConfig& c = *a.config;
  const double matrix = static_cast<double>(c.vocab_size) * static_cast<double>(c.d_model);
  v["tied"] = flag(c.tied_embeddings);
  v["vocab"] = count(static_cast<double>(c.vocab_size));
  v["embedding_params"] = params(static_cast<double>(a.params.embedding));
  v["head_params"] = params(static_cast<double>(component_params(a, Component::Head)));
  v["matrix_params"] = params(matrix);
  v["matrix_share"] = percent(matrix, static_cast<double>(a.params.total));
  const auto flipped = variant(a, [](ModelConfig& m) { m.tied_embeddings = !m.tied_embeddings; });
  v["flipped_params"] = params(flipped ? static_cast<double>(flipped->params.total)
                                       : static_cast<double>(a.params.total));
  v["non_embedding"] = params(static_cast<double>(a.params.non_embedding));
}

}  // namespace archscope::explain::detail
