// Figures of the attention topics: head sharing (MHA / GQA / MQA / MLA), the KV cache, sliding
// and chunked layers, positions.
#include <cmath>

#include "explain/explain_format.hpp"
#include "explain/figures_topics.hpp"

namespace archscope::explain::detail {

namespace {
double kv_elem_bytes(const Analysis& a) {
  return dtype_bytes(a.options.kv);
}
}  // namespace

void attention_heads(Variables& v, const Analysis& a) {
  const ModelConfig& c = *a.config;
  const AttentionConfig& at = c.attention;
  const int64_t mla_layers =
      count_layers(a, [](const LayerSpec& l) { return l.attention == AttentionKind::Mla; });
  const bool mla = mla_layers > 0;
  v["heads"] = count(static_cast<double>(at.heads));
  v["kv_heads"] = count(static_cast<double>(at.kv_heads));
  v["head_dim"] = count(static_cast<double>(at.head_dim));
  v["group"] = count(at.kv_heads > 0 ? static_cast<double>(at.heads / at.kv_heads) : 0);
  v["is_mla"] = flag(mla);
  v["is_mha"] = flag(!mla && at.kv_heads == at.heads);
  v["is_mqa"] = flag(!mla && at.kv_heads == 1 && at.heads > 1);
  v["is_gqa"] = flag(!mla && at.kv_heads > 1 && at.kv_heads < at.heads);
  v["kind_name"] = text(mla                       ? "MLA"
                        : at.kv_heads == at.heads ? "MHA"
                        : at.kv_heads == 1        ? "MQA"
                                                  : "GQA");
  const auto mha = variant(a, [](ModelConfig& m) { m.attention.kv_heads = m.attention.heads; });
  const auto mqa = variant(a, [](ModelConfig& m) { m.attention.kv_heads = 1; });
  const double kv = static_cast<double>(a.kv.bytes_per_token);
  const double kv_mha = mha ? static_cast<double>(mha->kv.bytes_per_token) : kv;
  v["mha_kv_per_token"] = bytes(kv_mha);
  v["mqa_kv_per_token"] = bytes(mqa ? static_cast<double>(mqa->kv.bytes_per_token) : kv);
  v["mha_kv_at_context"] = bytes(mha ? static_cast<double>(mha->kv.bytes_at_context)
                                     : static_cast<double>(a.kv.bytes_at_context));
  v["saving_vs_mha"] = ratio(kv > 0 ? kv_mha / kv : 0);
  // MLA caches one latent of kv_lora_rank plus one shared RoPE key per token and layer; an MHA
  // layer with the same head dims would cache K (nope + rope dims) and V for every head.
  const MlaConfig& m = at.mla;
  const double latent = static_cast<double>(m.kv_lora_rank + m.qk_rope_head_dim) * kv_elem_bytes(a);
  const double mha_layer =
      static_cast<double>(at.heads) *
      static_cast<double>(m.qk_nope_head_dim + m.qk_rope_head_dim + m.v_head_dim) *
      kv_elem_bytes(a);
  v["mla_layers"] = count(static_cast<double>(mla_layers));
  v["latent_rank"] = count(static_cast<double>(m.kv_lora_rank));
  v["rope_key_dims"] = count(static_cast<double>(m.qk_rope_head_dim));
  v["latent_per_layer"] = bytes(latent);
  v["mha_equiv_per_layer"] = bytes(mha_layer);
  v["mla_saving"] = ratio(latent > 0 ? mha_layer / latent : 0);
  v["mha_equiv_per_token"] = bytes(mha_layer * static_cast<double>(mla_layers));
}

void kv_cache(Variables& v, const Analysis& a) {
  double by_kind[5] = {};
  for (const LayerPlan& l : a.prefill.layers)
    for (const Op& op : l.ops)
      by_kind[static_cast<int>(l.spec.attention)] += static_cast<double>(op.kv_bytes_held);
  const char* labels[5] = {"full attention", "sliding window", "chunked", "MLA latents",
                           "linear-attention state"};
  std::string listing;
  for (int k = 0; k < 5; ++k) {
    if (by_kind[k] <= 0) continue;
    listing +=
        (listing.empty() ? "" : ", ") + std::string(labels[k]) + " " + bytes_text(by_kind[k]);
  }
  v["kv_by_kind"] = text(listing);
  const double kv = static_cast<double>(a.kv.bytes_at_context),
               w = static_cast<double>(a.weights_bytes);
  v["kv_vs_weights"] = percent(kv, w);
  v["kv_exceeds_weights"] = flag(kv > w);
  const auto fp8 = variant(a, {}, [](AnalysisOptions& o) { o.kv = DType::FP8; });
  v["kv_fp8_at_context"] = bytes(fp8 ? static_cast<double>(fp8->kv.bytes_at_context) : kv);
  v["kv_is_fp8"] = flag(a.options.kv == DType::FP8);
  const double per_token = static_cast<double>(a.kv.bytes_per_token);
  v["tokens_per_weights"] = count(per_token > 0 ? std::floor(w / per_token) : 0);
  v["per_sequence"] = bytes(a.options.batch > 0 ? kv / static_cast<double>(a.options.batch) : kv);
}

void sliding_window(Variables& v, const Analysis& a) {
  const ModelConfig& c = *a.config;
  const auto is = [&](AttentionKind k) {
    return count_layers(a, [k](const LayerSpec& l) { return l.attention == k; });
  };
  const int64_t sliding = is(AttentionKind::Sliding), chunked = is(AttentionKind::Chunked);
  const int64_t global = is(AttentionKind::Full) + is(AttentionKind::Mla),
                linear = is(AttentionKind::Linear);
  v["n_sliding"] = count(static_cast<double>(sliding));
  v["n_chunked"] = count(static_cast<double>(chunked));
  v["n_global"] = count(static_cast<double>(global));
  v["n_linear"] = count(static_cast<double>(linear));
  v["has_sliding"] = flag(sliding > 0);
  v["has_chunked"] = flag(chunked > 0);
  v["has_local"] = flag(sliding + chunked > 0);
  v["has_linear"] = flag(linear > 0);
  v["window"] = count(static_cast<double>(c.attention.sliding_window));
  v["chunk"] = count(static_cast<double>(c.attention.chunk_size));
  // The same model with every sliding and chunked layer attending to the whole context.
  const auto all_full = variant(a, [](ModelConfig& m) {
    for (AttentionKind& k : m.attention.pattern)
      if (k == AttentionKind::Sliding || k == AttentionKind::Chunked) k = AttentionKind::Full;
  });
  const double kv = static_cast<double>(a.kv.bytes_at_context);
  const double full = all_full ? static_cast<double>(all_full->kv.bytes_at_context) : kv;
  v["all_global_kv_at_context"] = bytes(full);
  v["local_saving"] = ratio(kv > 0 ? full / kv : 0);
  v["window_covers_context"] = flag(c.attention.sliding_window >= a.options.context && sliding > 0);
}

void rope(Variables& v, const Analysis& a) {
  const ModelConfig& c = *a.config;
  const Rope& r = c.position.rope;
  const auto is = [&](PositionKind k) {
    return count_layers(a, [k](const LayerSpec& l) {
      return l.position == k && l.attention != AttentionKind::Linear;
    });
  };
  const bool mla =
      count_layers(a, [](const LayerSpec& l) { return l.attention == AttentionKind::Mla; }) > 0;
  const int64_t dims = mla ? c.attention.mla.qk_rope_head_dim : c.attention.head_dim;
  v["theta"] = number(r.theta, 0);
  const int64_t rotated =
      static_cast<int64_t>(static_cast<double>(dims) * r.partial_rotary) / 2 * 2;
  v["rope_dims"] = count(static_cast<double>(rotated));
  v["head_dims"] = count(static_cast<double>(dims));
  v["partial"] = percent(r.partial_rotary, 1.0);
  v["is_partial"] = flag(r.partial_rotary < 1.0);
  v["interleaved"] = flag(r.interleaved);
  v["is_mla"] = flag(mla);
  v["n_rope"] = count(static_cast<double>(is(PositionKind::Rope)));
  v["n_nope"] = count(static_cast<double>(is(PositionKind::NoPe)));
  v["n_learned"] = count(static_cast<double>(is(PositionKind::Learned)));
  v["has_nope"] = flag(is(PositionKind::NoPe) > 0);
  v["has_learned"] = flag(is(PositionKind::Learned) > 0);
  v["has_rope"] = flag(is(PositionKind::Rope) > 0);
  v["has_scaling"] = flag(r.scaling.kind != RopeScalingKind::None);
  v["scaling"] = text(to_string(r.scaling.kind));
  v["factor"] = number(r.scaling.factor, 2);
  v["original_context"] = count(static_cast<double>(r.scaling.original_max_position));
  v["has_original"] = flag(r.scaling.original_max_position > 0);
  v["max_context"] = count(static_cast<double>(c.max_context));
  v["is_yarn"] = flag(r.scaling.kind == RopeScalingKind::Yarn);
  v["is_llama3"] = flag(r.scaling.kind == RopeScalingKind::Llama3);
  v["has_local_rope"] = flag(c.position.rope_local.has_value());
  v["local_theta"] = number(c.position.rope_local ? c.position.rope_local->theta : 0, 0);
  v["temperature_tuning"] = flag(c.attention.temperature_tuning.enabled);
  // The slowest rotation's wavelength in tokens, 2π θ^((d-2)/d): past it positions stop being
  // told apart by angle alone.
  const double d = static_cast<double>(std::max<int64_t>(2, rotated));
  v["longest_wavelength"] = count(2 * M_PI * std::pow(r.theta, (d - 2) / d));
}

}  // namespace archscope::explain::detail
