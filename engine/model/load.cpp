#include "model/load.hpp"

#include <string>

#include "common/error.hpp"
#include "model/hf_source.hpp"
#include "model/weight_builder.hpp"
#include "plan/plan.hpp"
#include "plan/slice_totals.hpp"

namespace archscope {

namespace {

// The engine's kernels take fp32/bf16/fp16 weights; quantized types wait for their kernels.
DType weight_dtype(Elem e) {
  if (e != Elem::F32 && e != Elem::BF16 && e != Elem::F16) {
    throw Error(ErrorKind::Unsupported, "weights", std::string("weight dtype ") + to_string(e) + " (fp32, bf16, fp16 are supported)");
  }
  return dtype_of(e);
}

}  // namespace

uint64_t estimate_weight_bytes(const ModelConfig& config, Elem dtype,
                               const std::optional<LayerRange>& slice) {
  PlanOptions o;
  o.phase = Phase::Prefill;
  o.tokens = 1;
  o.weights = weight_dtype(dtype);
  uint64_t bytes = slice_totals(build_plan(config, o), slice).param_bytes;
  const auto specs = expand_layers(config);
  const MlaConfig& m = config.attention.mla;
  for (const LayerSpec& s : specs) {
    if (s.attention != AttentionKind::Mla || !runs_layer(slice, s.index)) continue;
    // The absorbed query's W_uk^T per head (AttentionWeights::absorb_q); absorb_out is a view.
    const uint64_t h = static_cast<uint64_t>(config.attention.heads);
    const uint64_t extra = h * static_cast<uint64_t>(m.qk_nope_head_dim * m.kv_lora_rank);
    bytes += extra * static_cast<uint64_t>(elem_bits(dtype) / 8);
  }
  return bytes;
}

ModelWeights build_weights(Backend& backend, const ModelConfig& config, WeightSource& source, Elem dtype,
                           std::optional<quant::Format> scheme, const std::optional<LayerRange>& slice) {
  using namespace model_detail;
  weight_dtype(dtype);
  // Packed where the backend runs the scheme's layout; otherwise dequantized, in fp32 only.
  const std::optional<Elem> packed = scheme ? packed_elem(*scheme) : std::nullopt;
  const bool packing = packed && backend.supports_packed(*packed);
  if (scheme && !packing && dtype != Elem::F32)
    throw Error(ErrorKind::Validation, "--weights-dtype",
                std::string("--weights-quant ") + quant::to_string(*scheme) + " on " + backend.name() +
                    " holds the dequantized weights in fp32, not " + to_string(dtype) +
                    (packed ? std::string(" (this backend has no packed ") + quant::to_string(*scheme) + " kernel)"
                            : std::string()));
  if (slice) check_layer_range(*slice, config, "weights");
  check_fits_in(backend, estimate_weight_bytes(config, dtype, slice), "weights");
  ModelWeights w;
  w.dtype = dtype;
  w.slice = slice;
  w.quantization.scheme = scheme;
  w.quantization.packed = packing;
  WeightBuilder b(backend, config, source, dtype, &w.quantization);
  if (packing) b.packed = packed;
  const int64_t d = config.d_model;
  // Streamed into the tensor (no full fp32 host copy): keeps the load's peak memory near the weights.
  w.embedding = b.streamed_matrix({{"embed_tokens.weight", config.vocab_size}}, d, TensorRole::Embedding);
  const auto specs = expand_layers(config);
  for (const LayerSpec& s : specs) {
    if (s.position == PositionKind::Learned) {
      w.positions = b.matrix(b.read_matrix("embed_positions.weight", config.max_context, d));
      break;
    }
  }
  const bool pre = config.norm.placement != NormPlacement::Post;
  const bool post = config.norm.placement != NormPlacement::Pre;
  const bool sandwich = config.norm.placement == NormPlacement::Sandwich;
  w.layers.resize(specs.size());
  for (const LayerSpec& s : specs) {
    if (!runs_layer(slice, s.index)) continue;
    LayerWeights& L = w.layers[static_cast<size_t>(s.index)];
    const std::string p = "layers." + std::to_string(s.index) + ".";
    auto norm = [&](const std::string& name, Tensor& weight, Tensor& bias) {
      weight = b.vec(p + name + ".weight", d, b.norm_role());
      if (config.norm.bias) bias = b.bias(p + name + ".bias", d);
    };
    // HF names: Llama-style pre-norm calls the pre-FFN norm post_attention_layernorm; Gemma 3
    // (sandwich) and OLMo 2 (post) use post_attention_layernorm for the norm after attention.
    if (pre) norm("input_layernorm", L.input_norm, L.input_norm_b);
    if (post) norm("post_attention_layernorm", L.post_attn_norm, L.post_attn_norm_b);
    if (pre) norm(sandwich ? "pre_feedforward_layernorm" : "post_attention_layernorm", L.pre_ffn_norm, L.pre_ffn_norm_b);
    if (post) norm("post_feedforward_layernorm", L.post_ffn_norm, L.post_ffn_norm_b);
    switch (s.attention) {
      case AttentionKind::Mla: build_mla(b, p, L.attn); break;
      case AttentionKind::Linear: build_linear_attention(b, p, L.attn); break;
      default: build_attention(b, s, p, L.attn); break;
    }
    if (s.moe) {
      build_moe(b, p, L.moe);
    } else {
      build_dense_ffn(b, p, L.ffn);
    }
  }
  w.final_norm = b.vec("norm.weight", d, b.norm_role());
  if (config.norm.bias) w.final_norm_bias = b.bias("norm.bias", d);
  w.lm_head = config.tied_embeddings ? w.embedding : b.matrix("lm_head.weight", config.vocab_size, d);  // streamed
  source.finish();
  return w;
}

ModelWeights load_hf_weights(Backend& backend, const ModelConfig& config, const std::filesystem::path& dir, Elem dtype,
                             std::optional<quant::Format> scheme) {
  HfWeightSource source(dir, config.n_layers);
  return build_weights(backend, config, source, dtype, scheme);
}

ModelWeights random_weights(Backend& backend, const ModelConfig& config, const RandomInitOptions& options, Elem dtype,
                            std::optional<quant::Format> scheme, const std::optional<LayerRange>& slice) {
  RandomWeightSource source(options);
  return build_weights(backend, config, source, dtype, scheme, slice);
}

}  // namespace archscope
