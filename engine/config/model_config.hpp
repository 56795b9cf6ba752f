// The model configuration: plain structs that can express every architecture of the 2025
// open-weight families. No behaviour beyond validation and per-layer expansion lives here;
// the JSON form (docs/config-format.md) mirrors these fields one to one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace archscope {

// Attention kind of one layer.
enum class AttentionKind {
  Full,     // causal attention over the whole context
  Sliding,  // causal attention over the last `sliding_window` tokens (Mistral, Gemma 3, gpt-oss)
  Chunked,  // attention within fixed chunks of `chunk_size` tokens (Llama 4 local layers)
  Mla,      // multi-head latent attention (DeepSeek-V3, Kimi K2)
  Linear,   // Gated DeltaNet linear attention with constant state (Qwen3-Next)
};

enum class PositionKind {
  Rope,     // rotary embedding on q/k
  NoPe,     // no positional signal in this layer (Llama 4 global layers, SmolLM3 every 4th)
  Learned,  // learned absolute position table added to the embeddings (GPT-2)
};

enum class RopeScalingKind { None, Linear, Llama3, Yarn };
enum class NormKind {
  RmsNorm,
  LayerNorm,
  RmsNormPlusOne,  // x / rms * (1 + w), weights stored around zero (Gemma 3, Qwen3-Next)
};
enum class NormPlacement {
  Pre,       // x + f(norm(x))                      (Llama, most)
  Post,      // x + norm(f(x)), inside the residual  (OLMo 2)
  Sandwich,  // x + post_norm(f(pre_norm(x)))        (Gemma 3, Grok)
};
enum class QkNormKind {
  None,
  PerHead,     // RMSNorm over each head's head_dim (Qwen3, Gemma 3)
  Projection,  // RMSNorm over the whole q / k projection (OLMo 2)
  L2,          // weightless L2 normalisation per head (Llama 4)
};
enum class FfnKind {
  SwiGlu,
  GeGlu,
  Gelu,
  Relu,
  SwiGluClamped,  // gpt-oss: clamp gate/up to `clamp_limit`, gate * sigmoid(alpha gate) * (up + 1)
};
enum class RouterScoring { Softmax, Sigmoid };

// A per-layer pattern: repeated cyclically over the layers and cut at n_layers. A list as long as
// the model is an explicit per-layer list. JSON writes runs compactly: ["sliding*5", "full"].
template <class T>
using LayerPattern = std::vector<T>;

struct RopeScaling {
  RopeScalingKind kind = RopeScalingKind::None;
  double factor = 1.0;
  int64_t original_max_position = 0;  // llama3 / yarn: the pre-extension context
  double low_freq_factor = 1.0;       // llama3
  double high_freq_factor = 4.0;      // llama3
  double beta_fast = 32.0;            // yarn
  double beta_slow = 1.0;             // yarn
  double mscale = 0.0;                // yarn, DeepSeek form (0 = unused)
  double mscale_all_dim = 0.0;        // yarn, DeepSeek form (0 = unused)
  double attention_factor = 0.0;      // yarn: 0 = derived as 0.1 ln(factor) + 1
  bool truncate = true;               // yarn: round the correction range (false for gpt-oss)
  bool operator==(const RopeScaling&) const = default;
};

struct Rope {
  double theta = 10000.0;
  double partial_rotary = 1.0;  // fraction of the (rope part of the) head dim that rotates
  bool interleaved = false;     // rotate adjacent pairs instead of halves (DeepSeek rope_interleave)
  RopeScaling scaling;
  bool operator==(const Rope&) const = default;
};

struct PositionConfig {
  LayerPattern<PositionKind> pattern = {PositionKind::Rope};
  Rope rope;                       // every RoPE layer, or the global ones when rope_local is set
  std::optional<Rope> rope_local;  // sliding/chunked layers when they differ (Gemma 3: 10k local)
  bool operator==(const PositionConfig&) const = default;
};

struct NormConfig {
  NormKind kind = NormKind::RmsNorm;
  double eps = 1e-6;
  NormPlacement placement = NormPlacement::Pre;
  bool bias = false;  // LayerNorm with bias (GPT-2)
  bool operator==(const NormConfig&) const = default;
};

struct MlaConfig {
  int64_t q_lora_rank = 0;  // 0: q is a plain projection (DeepSeek-V2-Lite style)
  int64_t kv_lora_rank = 0;
  int64_t qk_nope_head_dim = 0;
  int64_t qk_rope_head_dim = 0;
  int64_t v_head_dim = 0;
  bool operator==(const MlaConfig&) const = default;
};

// Gated DeltaNet linear attention (Qwen3-Next). State per layer is constant in the context.
struct LinearAttentionConfig {
  int64_t key_heads = 0;
  int64_t value_heads = 0;
  int64_t key_head_dim = 0;
  int64_t value_head_dim = 0;
  int64_t conv_kernel = 0;  // depthwise causal conv over q, k, v
  bool operator==(const LinearAttentionConfig&) const = default;
};

// Llama 4: NoPE layers scale q by log(floor((pos + 1) / floor_scale) + 1) * attn_scale + 1.
struct TemperatureTuning {
  bool enabled = false;
  double floor_scale = 8192.0;
  double attn_scale = 0.1;
  bool operator==(const TemperatureTuning&) const = default;
};

struct AttentionConfig {
  LayerPattern<AttentionKind> pattern = {AttentionKind::Full};
  int64_t heads = 0;
  int64_t kv_heads = 0;    // == heads: MHA, 1: MQA, between: GQA
  int64_t head_dim = 0;    // may differ from d_model / heads
  bool qkv_bias = false;
  bool out_bias = false;
  bool sinks = false;        // a learned per-head sink logit in the softmax (gpt-oss)
  bool output_gate = false;  // sigmoid gate from q_proj on the attention output (Qwen3-Next)
  double softcap = 0.0;      // attention logit soft-cap cap * tanh(s / cap); 0 = off
  double scale = 0.0;        // softmax scale; 0 = 1 / sqrt(qk head dim)
  QkNormKind qk_norm = QkNormKind::None;
  bool qk_norm_rope_layers_only = false;  // Llama 4 applies its L2 qk-norm on RoPE layers only
  int64_t sliding_window = 0;  // used by Sliding layers
  int64_t chunk_size = 0;      // used by Chunked layers
  MlaConfig mla;                  // used by Mla layers
  LinearAttentionConfig linear;   // used by Linear layers
  TemperatureTuning temperature_tuning;
  bool operator==(const AttentionConfig&) const = default;
};

struct FfnConfig {
  FfnKind kind = FfnKind::SwiGlu;
  int64_t d_ff = 0;            // width of dense FFN layers
  bool bias = false;           // biases on the FFN projections (GPT-2)
  bool gelu_tanh = true;       // GELU / GeGLU use the tanh approximation (GPT-2, Gemma)
  double clamp_limit = 7.0;    // SwiGluClamped
  double glu_alpha = 1.702;    // SwiGluClamped
  bool operator==(const FfnConfig&) const = default;
};

struct MoeConfig {
  int64_t experts = 0;  // routed experts; 0 = no MoE anywhere
  int64_t top_k = 0;
  int64_t expert_d_ff = 0;
  int64_t shared_experts = 0;
  int64_t shared_d_ff = 0;    // width of each shared expert
  bool shared_gate = false;   // sigmoid(x . w) gate on the shared experts' output (Qwen3-Next)
  RouterScoring scoring = RouterScoring::Softmax;
  bool renormalize = false;     // renormalise the top-k weights to sum to 1
  bool selection_bias = false;  // per-expert bias used for selection only (DeepSeek-V3)
  int64_t groups = 1;           // group-limited routing: experts split in groups ...
  int64_t top_groups = 1;       // ... and only the best top_groups groups are eligible
  double routed_scaling = 1.0;  // multiply routed output (DeepSeek 2.5, GLM 2.5)
  bool router_bias = false;     // bias in the router projection (gpt-oss)
  bool expert_bias = false;     // biases in expert projections (gpt-oss)
  bool weight_input = false;    // router weight scales the expert input, not output (Llama 4)
  // Which layers are MoE: layer i is MoE iff i >= first_dense, (i + 1) % interleave == 0 and
  // i is not listed in dense_layers. Other layers use the dense FFN of width ffn.d_ff.
  int64_t first_dense = 0;
  int64_t interleave = 1;
  std::vector<int64_t> dense_layers;
  bool operator==(const MoeConfig&) const = default;
};

struct ModelConfig {
  std::string name;
  std::string family;  // preset family, e.g. "deepseek-v3"; free text for user configs
  std::string source;  // where the numbers come from (model card, config.json, paper)
  int64_t vocab_size = 0;
  int64_t d_model = 0;
  int64_t n_layers = 0;
  int64_t max_context = 0;  // longest supported context; also the learned position table size
  bool tied_embeddings = false;
  double embedding_scale = 1.0;  // embeddings are multiplied by this (Gemma: sqrt(d_model))
  double logit_scale = 1.0;      // logits are multiplied by this before the soft-cap
  double final_softcap = 0.0;    // cap * tanh(logits / cap); 0 = off
  int64_t mtp_layers = 0;        // multi-token-prediction modules: described, never counted
  NormConfig norm;
  AttentionConfig attention;
  PositionConfig position;
  FfnConfig ffn;
  MoeConfig moe;
  bool operator==(const ModelConfig&) const = default;
};

// One layer after expanding the patterns.
struct LayerSpec {
  int64_t index = 0;
  AttentionKind attention = AttentionKind::Full;
  PositionKind position = PositionKind::Rope;
  const Rope* rope = nullptr;  // the RoPE parameters of this layer; null unless position == Rope
  int64_t window = 0;          // Sliding: window, Chunked: chunk size, otherwise 0
  bool moe = false;
  bool qk_norm = false;        // whether qk-norm applies in this layer
};

// Throws archscope::Error (Validation) naming the JSON path of the first broken rule,
// e.g. "attention.kv_heads: 3 does not divide heads 32".
void validate(const ModelConfig& config);

// Expands the patterns to one LayerSpec per layer. Expects a valid config.
std::vector<LayerSpec> expand_layers(const ModelConfig& config);

bool is_moe_layer(const ModelConfig& config, int64_t layer);

// Enum names as written in JSON ("sliding", "rmsnorm_plus_one", ...), and their parsers.
const char* to_string(AttentionKind v);
const char* to_string(PositionKind v);
const char* to_string(RopeScalingKind v);
const char* to_string(NormKind v);
const char* to_string(NormPlacement v);
const char* to_string(QkNormKind v);
const char* to_string(FfnKind v);
const char* to_string(RouterScoring v);

}  // namespace archscope
