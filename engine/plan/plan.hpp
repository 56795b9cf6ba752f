// The analytic plan: archscope's one source of truth for what a forward pass does. The engines
// execute it op by op, every measured op carries the plan's predicted FLOPs and bytes, and every
// analytic total (parameters, FLOPs, weight bytes, KV cache) is a sum over it.
//
// Counting conventions (the details live next to each op builder):
//  - FLOPs: 2 per multiply-add; element-wise costs are in plan/costs.hpp.
//  - Bytes are traffic to and from main memory of an ideal kernel: weights read once per op and
//    phase, activations read and written once at the activation dtype, attention fused
//    (FlashAttention style: scores stay on chip, K and V read once per sequence in prefill, the
//    visible context read once per decode step).
//  - Counts are uint64, except FLOPs (FlopCount below): prefill attention grows with the square of
//    the context and passes 2^64 at millions of tokens. Builders compute in 128 bits and throw
//    Error(Validation, "options") when another figure does not fit in 64 bits (16 EiB of bytes:
//    only absurd batch × context products get there).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "quant/formats.hpp"

#include "common/dtype.hpp"
#include "config/model_config.hpp"

namespace archscope {

// A FLOP count: exact for every integer below 2^64 (long double carries a 64-bit significand on
// x86-64, 113 bits on AArch64), and beyond 2^64 rounded to 64 significant bits instead of
// overflowing (DeepSeek-V3's prefill at 10M tokens is ~2e21 FLOPs).
using FlopCount = long double;
static_assert(std::numeric_limits<FlopCount>::digits >= 64, "FlopCount must hold every uint64 exactly");

enum class Phase {
  Prefill,  // `tokens` new tokens per sequence, starting at context 0
  Decode,   // one new token per sequence, `context` tokens already cached
};

enum class OpKind {
  Embedding,   // table lookup (token or learned position)
  Norm,        // RMSNorm / LayerNorm / L2 / gated RMSNorm
  Matmul,      // x · W (+ b)
  Rope,        // rotary position embedding on q and k
  CacheWrite,  // store this step's keys/values (or MLA latents) into the KV cache
  Attention,   // fused attention: scores + softmax, or the weighted sum of values
  Activation,  // element-wise non-linearity (SiLU·up, GELU, ...)
  Router,      // MoE router: logits, scoring, selection
  Experts,     // a block of expert FFNs (routed or shared), fused
  Add,         // residual or branch sum
  Conv,        // depthwise causal convolution (linear attention)
  Recurrence,  // linear-attention state update and readout
  Gate,        // sigmoid gates (attention output gate, shared-expert gate, DeltaNet gates)
  Scale,       // multiply by a constant (logit scale)
  Softcap,     // cap · tanh(x / cap) on the logits
};
inline constexpr int kOpKindCount = 15;

// Where an op's parameters and FLOPs are reported. Every norm weight is in Norms, wherever the
// norm sits; residual adds belong to the block they close.
enum class Component {
  Embedding,      // token embedding and learned position table
  Attention,      // projections, rope, attention, sinks, linear-attention conv/gates/recurrence
  DenseFfn,       // FFN of dense layers
  RoutedExperts,  // routed experts of MoE layers
  SharedExperts,  // shared experts and their gate
  Router,         // router weights, router bias, selection bias
  Norms,          // every normalisation weight (layer norms, qk-norm, MLA norms, final norm)
  Head,           // LM head, logit scale and soft-cap
};
inline constexpr int kComponentCount = 8;

const char* to_string(Phase v);
const char* to_string(OpKind v);
const char* to_string(Component v);  // "embedding", "attention", "dense_ffn", ...

enum class QuantScope { BlockLinear, RoutedExperts };

struct PlanOptions {
  Phase phase = Phase::Decode;
  int64_t tokens = 1;   // Prefill: new tokens per sequence (>= 1)
  int64_t context = 0;  // Decode: tokens already cached per sequence (>= 0)
  // Prefill: tokens already cached per sequence before these (a chunk of a chunked prefill,
  // attending to the cached ones too); 0 for a prefill from an empty cache.
  int64_t prefill_offset = 0;
  int64_t batch = 1;    // sequences
  DType weights = DType::BF16;  // matmul and expert weights (see weight_dtype rules in builder)
  DType kv = DType::BF16;       // KV cache and linear-attention state
  DType activations = DType::BF16;
  // Quantized weights carry one bf16 scale per group of this many weights; 0 = scales not counted.
  int64_t quant_group_size = 0;
  // A weight scheme (engine/quant/formats.hpp) for the block linear weights: their bytes are what
  // the scheme's packed layout holds for each [N, K] matrix (quant/held_bits.hpp: scales, zero
  // points, partial blocks held whole; what a packed run keeps resident and streams), or, with
  // weights_quant_format_count, the format's own count (quant::storage_bits: what `analyze`
  // counts, issue 12's definitions, and a published checkpoint's bytes in its files);
  // `weights` is then the dtype of every other parameter and must not be a quantized dtype. The
  // arithmetic stays at the activation dtype (weight-only quantization). The router, shared-expert
  // gate and LM head stay at `weights`, as the engine's --weights-quant leaves them.
  std::optional<quant::Format> weights_quant;
  // Which weights `weights_quant` covers: every block linear weight (--weights-quant, DeepSeek-V3's
  // FP8 checkpoints), or the routed experts only (gpt-oss's MXFP4 checkpoints: attention, router,
  // embeddings and head stay bf16 — their config.json's quantization_config.modules_to_not_convert).
  QuantScope weights_quant_scope = QuantScope::BlockLinear;
  bool weights_quant_format_count = false;
  // The epilogue (final norm, LM head, logit scale, soft-cap) over each sequence's last token only,
  // as generation runs a prefill, instead of every position (a full forward, `archscope logits`).
  bool logits_last_only = false;
};

using Shape = std::vector<int64_t>;

struct Op {
  std::string name;  // stable within a layer: "q_proj", "attn_scores", "experts", ...
  OpKind kind = OpKind::Matmul;
  Component component = Component::Attention;
  // Activation shapes (weights are described by params), rows first: rows = batch × new tokens,
  // flattened, so prefill and decode ops have the same rank.
  std::vector<Shape> inputs;
  Shape output;
  uint64_t params = 0;         // parameters owned by this op (each model parameter in one op)
  uint64_t params_active = 0;  // parameters one token uses (routed experts: top_k of them)
  uint64_t param_bytes = 0;    // storage of `params` at their dtype (+ quantization scales)
  FlopCount flops = 0;
  uint64_t bytes_read = 0;     // weights actually read + activations + KV cache reads
  uint64_t bytes_written = 0;  // activations + KV cache writes
  uint64_t kv_bytes_written = 0;  // bytes stored into the KV cache / recurrent state this phase
  uint64_t kv_bytes_held = 0;     // KV cache / state bytes this op's layer holds after the phase
  DType compute = DType::BF16;    // dtype the arithmetic runs at (roofline peak lookup)
};

struct LayerPlan {
  LayerSpec spec;  // spec.rope points into the ModelConfig given to build_plan
  std::vector<Op> ops;
};

struct Plan {
  PlanOptions options;
  int64_t rows = 0;  // token rows processed: batch × tokens (prefill) or batch (decode)
  std::vector<Op> prologue;  // embedding, learned positions
  std::vector<LayerPlan> layers;
  std::vector<Op> epilogue;  // final norm, LM head, logit scale, soft-cap

  // Every op in execution order.
  template <class F>
  void for_each_op(F&& f) const {
    for (const Op& op : prologue) f(op);
    for (const LayerPlan& layer : layers)
      for (const Op& op : layer.ops) f(op);
    for (const Op& op : epilogue) f(op);
  }
};

// Throws Error(Validation, "options.<field>") for bad options; expects a valid config.
Plan build_plan(const ModelConfig& config, const PlanOptions& options);

// Sums over the plan.
struct PlanTotals {
  uint64_t params = 0;
  uint64_t params_active = 0;
  uint64_t param_bytes = 0;
  FlopCount flops = 0;
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  uint64_t kv_bytes_written = 0;
  uint64_t kv_bytes_held = 0;
};
PlanTotals totals(const std::vector<Op>& ops);
PlanTotals totals(const Plan& plan);
void accumulate(PlanTotals& into, const Op& op);

}  // namespace archscope
