#include "plan/plan.hpp"

#include "common/error.hpp"
#include "plan/builder.hpp"

namespace archscope {

const char* to_string(Phase v) {
  switch (v) {
    case Phase::Prefill: return "prefill";
    case Phase::Decode: return "decode";
  }
  return "?";
}

const char* to_string(OpKind v) {
  switch (v) {
    case OpKind::Embedding: return "embedding";
    case OpKind::Norm: return "norm";
    case OpKind::Matmul: return "matmul";
    case OpKind::Rope: return "rope";
    case OpKind::CacheWrite: return "cache_write";
    case OpKind::Attention: return "attention";
    case OpKind::Activation: return "activation";
    case OpKind::Router: return "router";
    case OpKind::Experts: return "experts";
    case OpKind::Add: return "add";
    case OpKind::Conv: return "conv";
    case OpKind::Recurrence: return "recurrence";
    case OpKind::Gate: return "gate";
    case OpKind::Scale: return "scale";
    case OpKind::Softcap: return "softcap";
  }
  return "?";
}

const char* to_string(Component v) {
  switch (v) {
    case Component::Embedding: return "embedding";
    case Component::Attention: return "attention";
    case Component::DenseFfn: return "dense_ffn";
    case Component::RoutedExperts: return "routed_experts";
    case Component::SharedExperts: return "shared_experts";
    case Component::Router: return "router";
    case Component::Norms: return "norms";
    case Component::Head: return "head";
  }
  return "?";
}

namespace {
void check_options(const PlanOptions& o) {
  auto fail = [](const char* field, const std::string& message) {
    throw Error(ErrorKind::Validation, std::string("options.") + field, message);
  };
  if (o.batch < 1) fail("batch", std::to_string(o.batch) + " must be at least 1");
  if (o.phase == Phase::Prefill && o.tokens < 1) {
    fail("tokens", std::to_string(o.tokens) + " must be at least 1 for prefill");
  }
  if (o.phase == Phase::Prefill && o.prefill_offset < 0) {
    fail("prefill_offset", std::to_string(o.prefill_offset) + " must not be negative");
  }
  if (o.phase == Phase::Decode && o.context < 0) {
    fail("context", std::to_string(o.context) + " must not be negative");
  }
  // Rows (batch × new tokens) and positions (context + 1) are int64 in the builders.
  const int64_t per_seq = o.phase == Phase::Prefill ? o.tokens : 1;
  if (o.batch > 0 && per_seq > (int64_t{1} << 62) / o.batch) {
    fail("batch", "batch " + std::to_string(o.batch) + " × " + std::to_string(per_seq) +
                      " tokens exceeds 2^62 rows");
  }
  if (o.phase == Phase::Decode && o.context > (int64_t{1} << 62)) {
    fail("context", std::to_string(o.context) + " exceeds 2^62 tokens");
  }
  if (o.quant_group_size < 0) {
    fail("quant_group_size", std::to_string(o.quant_group_size) + " must not be negative");
  }
  if (o.weights_quant && dtype_is_quantized(o.weights)) {
    fail("weights", std::string("a weight scheme (") + quant::to_string(*o.weights_quant) +
                        ") takes fp32, bf16 or fp16 for the other weights, not " + to_string(o.weights));
  }
}
}  // namespace

Plan build_plan(const ModelConfig& config, const PlanOptions& options) {
  check_options(options);
  const plan_detail::Builder b(config, options);
  Plan plan;
  plan.options = options;
  plan.rows = b.rows;
  plan_detail::add_prologue(b, plan.prologue);
  for (const LayerSpec& spec : expand_layers(config)) {
    plan.layers.push_back(plan_detail::build_layer(b, spec));
  }
  plan_detail::add_epilogue(b, plan.epilogue);
  return plan;
}

namespace {
void add_checked(uint64_t& into, uint64_t v) {
  if (__builtin_add_overflow(into, v, &into)) {
    throw Error(ErrorKind::Validation, "options",
                "plan totals do not fit in 64 bits; reduce batch or context");
  }
}
}  // namespace

void accumulate(PlanTotals& t, const Op& op) {
  add_checked(t.params, op.params);
  add_checked(t.params_active, op.params_active);
  add_checked(t.param_bytes, op.param_bytes);
  t.flops += op.flops;
  add_checked(t.bytes_read, op.bytes_read);
  add_checked(t.bytes_written, op.bytes_written);
  add_checked(t.kv_bytes_written, op.kv_bytes_written);
  add_checked(t.kv_bytes_held, op.kv_bytes_held);
}

PlanTotals totals(const std::vector<Op>& ops) {
  PlanTotals t;
  for (const Op& op : ops) accumulate(t, op);
  return t;
}

PlanTotals totals(const Plan& plan) {
  PlanTotals t;
  plan.for_each_op([&](const Op& op) { accumulate(t, op); });
  return t;
}

}  // namespace archscope
