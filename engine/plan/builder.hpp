// Shared machinery of the op builders (internal to engine/plan): the dtype rules, byte counting in
// bits, 128-bit drafts narrowed to the 64-bit Op, and factories for the common op shapes.
#pragma once

#include <string>
#include <vector>

#include "config/model_config.hpp"
#include "plan/plan.hpp"

namespace archscope::plan_detail {

using wide = unsigned __int128;

// An op while it is being counted: 128-bit fields so intermediate products cannot wrap.
struct OpDraft {
  std::string name;
  OpKind kind = OpKind::Matmul;
  Component component = Component::Attention;
  std::vector<Shape> inputs;
  Shape output;
  wide params = 0;
  wide params_active = 0;
  wide param_bytes = 0;
  wide flops = 0;
  wide bytes_read = 0;
  wide bytes_written = 0;
  wide kv_bytes_written = 0;
  wide kv_bytes_held = 0;
  DType compute = DType::BF16;
};

// Throws Error(Validation, "options") when a count does not fit in 64 bits.
Op finish(const OpDraft& draft);

inline wide w(int64_t v) { return static_cast<wide>(v); }

class Builder {
 public:
  Builder(const ModelConfig& config, const PlanOptions& options);

  const ModelConfig& config;
  const PlanOptions& options;
  bool decode;
  int64_t batch;
  int64_t new_tokens;      // per sequence: prefill tokens, or 1
  int64_t first_position;  // position of the first new token: the prefill offset or decode context
  int64_t rows;            // batch × new_tokens

  // Dtype rules. Quantized dtypes (fp8/int8/int4) apply to matmul and expert weights only;
  // embeddings, norms, biases, convolution, gates, the router and the LM head stay bf16 (the
  // layout of DeepSeek-V3 fp8, gpt-oss mxfp4 and the usual GPTQ/AWQ recipes). A non-quantized
  // weights dtype (fp32/bf16/fp16) applies to every parameter.
  DType matmul_weights() const { return options.weights; }
  DType plain_weights() const;
  // Arithmetic runs at the weight dtype for quantized matmuls (W8A8/FP8 kernels), otherwise at
  // the activation dtype.
  DType matmul_compute() const;

  wide act_bytes(wide elements) const;  // at the activation dtype, rounded up to whole bytes
  wide kv_bytes(wide elements) const;   // at the KV dtype
  // Cached K/V (or MLA latent) elements that form `vectors` stored vectors: at the KV dtype, plus
  // for int8 / fp8 one fp32 scale per vector (engine/kv/kv_dtype.hpp: per token and KV head for K
  // and for V; MLA's latent and rope key one each).
  wide kv_cache_bytes(wide elements, wide vectors) const;
  bool kv_scaled() const;  // int8 / fp8 KV cache
  // A linear-attention state (not a KV cache): at the KV dtype, fp32 when that is int8 / fp8 (the
  // engine keeps states fp32; they are not quantized).
  wide state_bytes(wide elements) const;
  wide plain_bytes(wide params) const;  // non-matmul parameters
  // Matmul/expert weights: the dtype's bits plus, for quantized dtypes with a group size, one
  // bf16 scale per group.
  wide matmul_bytes(wide params) const;
  // One block linear weight [n, k] (rows = outputs, blocks along the input k): the weight
  // scheme's exact storage when one is set, else matmul_bytes(n * k).
  wide linear_bytes(int64_t n, int64_t k) const;
  // One routed expert's [n, k] matrix: the scheme's storage under either QuantScope.
  wide expert_linear_bytes(int64_t n, int64_t k) const;
  // [n, k] at weights_quant: held_bits, or storage_bits with weights_quant_format_count.
  wide quant_bytes(int64_t n, int64_t k) const;

  // x[rows, in] · W[in, out] (+ b[out]); W at the matmul dtype unless `plain` (router, LM head).
  OpDraft matmul(std::string name, Component component, int64_t in, int64_t out, bool bias,
                 bool plain = false) const;
  // A norm over `groups` groups of `width` per row, sharing `weights` parameters (plus as many
  // bias parameters when `bias`); weightless (L2) when weights == 0.
  OpDraft norm(std::string name, int64_t groups, int64_t width, int64_t weights, bool bias,
               int64_t flops_per_element) const;
  // Element-wise op over `elements` outputs per row reading `inputs` tensors of that size.
  OpDraft elementwise(std::string name, OpKind kind, Component component, Shape row_shape,
                      int64_t inputs, int64_t flops_per_element) const;
  // Residual or branch sum of two [rows, d_model] tensors.
  OpDraft residual(std::string name, Component component) const;

  Shape row(std::initializer_list<int64_t> dims) const;  // {rows, dims...}
};

// Layer pieces, one file each; each appends its ops in execution order.
void add_attention(const Builder& b, const LayerSpec& spec, std::vector<Op>& ops);
void add_mla(const Builder& b, const LayerSpec& spec, std::vector<Op>& ops);
void add_linear_attention(const Builder& b, const LayerSpec& spec, std::vector<Op>& ops);
void add_dense_ffn(const Builder& b, std::vector<Op>& ops);
void add_moe(const Builder& b, std::vector<Op>& ops);
LayerPlan build_layer(const Builder& b, const LayerSpec& spec);
void add_prologue(const Builder& b, std::vector<Op>& ops);
void add_epilogue(const Builder& b, std::vector<Op>& ops);

// Rotary dims of a head part of `dim` under `rope`: the rotating fraction, rounded down to pairs.
int64_t rotary_dims(const Rope& rope, int64_t dim);

// The norm kind of the model applied to an inner tensor (qk-norm, MLA latents): same kind, no bias.
int64_t inner_norm_flops(const ModelConfig& config);

}  // namespace archscope::plan_detail
