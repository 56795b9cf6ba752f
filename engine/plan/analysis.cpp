#include "plan/analysis.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace archscope {

namespace {

PlanOptions plan_options(const AnalysisOptions& o, Phase phase) {
  PlanOptions p;
  p.phase = phase;
  p.tokens = o.context;
  p.context = o.context;
  p.batch = o.batch;
  p.weights = o.weights;
  p.kv = o.kv;
  p.activations = o.activations;
  p.quant_group_size = o.quant_group_size;
  p.weights_quant = o.weights_quant;
  p.weights_quant_scope = o.weights_quant_scope;
  p.weights_quant_format_count = o.weights_quant_format_count;
  return p;
}

uint64_t held(const ModelConfig& config, int64_t tokens, int64_t batch, DType kv) {
  PlanOptions p;
  p.phase = Phase::Prefill;
  p.tokens = tokens;
  p.batch = batch;
  p.kv = kv;
  return totals(build_plan(config, p)).kv_bytes_held;
}

}  // namespace

uint64_t kv_bytes_at_context(const ModelConfig& config, int64_t context, int64_t batch, DType kv) {
  if (context < 0) {
    throw Error(ErrorKind::Validation, "options.context", std::to_string(context) + " is negative");
  }
  if (context == 0) return 0;  // nothing seen yet: no cache, no state
  return held(config, context, batch, kv);
}

uint64_t kv_bytes_per_token(const ModelConfig& config, DType kv) {
  return held(config, 2, 1, kv) - held(config, 1, 1, kv);
}

int64_t largest_window(const ModelConfig& config) {
  int64_t w = 0;
  for (const LayerSpec& s : expand_layers(config))
    if (s.attention == AttentionKind::Sliding || s.attention == AttentionKind::Chunked) w = std::max(w, s.window);
  return w;
}

uint64_t kv_bytes_per_token_steady(const ModelConfig& config, DType kv) {
  const int64_t w = largest_window(config);
  if (w == 0) return kv_bytes_per_token(config, kv);
  return held(config, w + 2, 1, kv) - held(config, w + 1, 1, kv);
}

Analysis summarize(const ModelConfig& config, const AnalysisOptions& options,
                   const std::optional<HardwareProfile>& hardware) {
  if (options.context < 1) {
    throw Error(ErrorKind::Validation, "options.context",
                std::to_string(options.context) + " must be at least 1");
  }
  Analysis a;
  a.config = std::make_shared<const ModelConfig>(config);
  a.options = options;
  a.hardware = hardware;
  a.prefill = build_plan(*a.config, plan_options(options, Phase::Prefill));
  a.decode = build_plan(*a.config, plan_options(options, Phase::Decode));

  a.decode.for_each_op([&](const Op& op) {
    ComponentFigures& c = a.components[static_cast<size_t>(op.component)];
    c.params += op.params;
    c.params_active += op.params_active;
    c.decode_flops += op.flops;
  });
  a.prefill.for_each_op([&](const Op& op) {
    a.components[static_cast<size_t>(op.component)].prefill_flops += op.flops;
  });

  const PlanTotals decode = totals(a.decode);
  const PlanTotals prefill = totals(a.prefill);
  const ComponentFigures& embedding = a.components[static_cast<size_t>(Component::Embedding)];
  const ComponentFigures& head = a.components[static_cast<size_t>(Component::Head)];
  a.params.total = decode.params;
  a.params.active = decode.params_active;
  a.params.embedding = embedding.params;
  a.params.active_without_input_embedding = decode.params_active - embedding.params_active;
  // A tied head owns no parameters, so the shared matrix is subtracted once.
  a.params.non_embedding = decode.params - embedding.params - head.params;

  a.kv.bytes_per_token = kv_bytes_per_token(config, options.kv);
  a.kv.bytes_per_token_steady = kv_bytes_per_token_steady(config, options.kv);
  a.kv.steady_after_tokens = largest_window(config);
  a.kv.bytes_at_context = prefill.kv_bytes_held;

  a.flops.prefill_total = prefill.flops;
  a.flops.decode_step = decode.flops;
  a.flops.prefill_per_token =
      static_cast<double>(prefill.flops) / static_cast<double>(a.prefill.rows);
  a.flops.decode_per_token = static_cast<double>(decode.flops) / static_cast<double>(a.decode.rows);
  a.weights_bytes = decode.param_bytes;

  if (hardware) {
    a.prefill_roofline = roofline(a.prefill, *hardware);
    a.decode_roofline = roofline(a.decode, *hardware);
  }

  // Activations as generation runs the prefill: logits of each sequence's last row only.
  PlanOptions last_row = plan_options(options, Phase::Prefill);
  last_row.logits_last_only = true;
  a.memory = memory_fit(a.weights_bytes, a.kv.bytes_at_context, build_plan(*a.config, last_row), a.decode, hardware);

  if (config.max_context > 0 && options.context > config.max_context) {
    a.warnings.push_back("context " + std::to_string(options.context) + " exceeds max_position_embeddings " +
                         std::to_string(config.max_context) + " of " + config.name +
                         ": positions past it were never trained; the figures only extrapolate the architecture");
  }
  return a;
}

}  // namespace archscope
