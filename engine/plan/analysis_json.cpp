// JSON form of an Analysis ("archscope.analysis/1"). Counts are uint64 JSON integers so figures
// such as 671026419200 survive exactly; the per-layer detail is the decode step's ops, with the
// prefill plan's totals per layer beside them.
#include <string>

#include "plan/analysis.hpp"

namespace archscope {

namespace {

using nlohmann::json;

// 2^64 as a FlopCount value (exact: a power of two).
constexpr FlopCount kTwo64 = 18446744073709551616.0L;

bool exact_u64(FlopCount v) { return v >= 0 && v < kTwo64 && v == static_cast<FlopCount>(static_cast<uint64_t>(v)); }

// An average that is an integer when the division is exact, a double otherwise.
json per(FlopCount total, int64_t count) {
  const auto n = static_cast<uint64_t>(count);
  if (exact_u64(total) && static_cast<uint64_t>(total) % n == 0) return static_cast<uint64_t>(total) / n;
  return static_cast<double>(total / static_cast<FlopCount>(n));
}

json op_json(const Op& op, const std::optional<HardwareProfile>& hw) {
  json o;
  o["name"] = op.name;
  o["kind"] = to_string(op.kind);
  o["component"] = to_string(op.component);
  o["inputs"] = op.inputs;
  o["output"] = op.output;
  o["params"] = op.params;
  o["params_active"] = op.params_active;
  o["param_bytes"] = op.param_bytes;
  o["flops"] = flops_json(op.flops);
  o["bytes_read"] = op.bytes_read;
  o["bytes_written"] = op.bytes_written;
  o["kv_bytes"] = op.kv_bytes_written;
  o["kv_bytes_held"] = op.kv_bytes_held;
  o["compute_dtype"] = to_string(op.compute);
  if (hw) {
    const OpRoofline r = roofline(op, *hw);
    o["roofline_s"] = r.time_s;
    o["bound"] = to_string(r.bound);
  }
  return o;
}

json ops_json(const std::vector<Op>& ops, const std::optional<HardwareProfile>& hw) {
  json list = json::array();
  for (const Op& op : ops) list.push_back(op_json(op, hw));
  return list;
}

json totals_json(const std::vector<Op>& ops, const std::optional<HardwareProfile>& hw) {
  const PlanTotals t = totals(ops);
  json o;
  o["params"] = t.params;
  o["flops"] = flops_json(t.flops);
  o["bytes_read"] = t.bytes_read;
  o["bytes_written"] = t.bytes_written;
  o["kv_bytes"] = t.kv_bytes_written;
  o["kv_bytes_held"] = t.kv_bytes_held;
  if (hw) {
    double s = 0;
    for (const Op& op : ops) s += roofline(op, *hw).time_s;
    o["roofline_s"] = s;
  }
  return o;
}

json roofline_json(const PlanRoofline& r) {
  return {{"time_s", r.time_s},
          {"per_token_s", r.per_token_s},
          {"compute_s", r.compute_s},
          {"memory_s", r.memory_s},
          {"compute_bound_s", r.compute_bound_s},
          {"memory_bound_s", r.memory_bound_s},
          {"bound", to_string(r.bound)}};
}

}  // namespace

json flops_json(FlopCount flops) {
  if (exact_u64(flops)) return static_cast<uint64_t>(flops);
  return static_cast<double>(flops);
}

json analysis_to_json(const Analysis& a) {
  const ModelConfig& c = *a.config;
  const auto& hw = a.hardware;
  json j;
  j["format"] = "archscope.analysis/1";
  j["model"] = c.name;
  j["family"] = c.family;
  j["options"] = {{"context", a.options.context},
                  {"batch", a.options.batch},
                  {"weights_dtype", to_string(a.options.weights)},
                  {"kv_dtype", to_string(a.options.kv)},
                  {"activation_dtype", to_string(a.options.activations)},
                  {"quant_group_size", a.options.quant_group_size},
                  {"weights_quant", a.options.weights_quant ? json(quant::to_string(*a.options.weights_quant))
                                                            : json(nullptr)},
                  {"weights_quant_scope", a.options.weights_quant_scope == QuantScope::RoutedExperts
                                              ? "routed_experts"
                                              : "block_linear"}};
  if (hw) {
    j["hardware"] = {{"name", hw->name},
                     {"description", hw->description},
                     {"source", hw->source},
                     {"memory_bandwidth", hw->memory_bandwidth},
                     {"memory_bytes", hw->memory_bytes}};
  } else {
    j["hardware"] = nullptr;
  }

  json by_component, active_by_component, prefill_by_component, decode_by_component;
  for (int i = 0; i < kComponentCount; ++i) {
    const char* name = to_string(static_cast<Component>(i));
    const ComponentFigures& f = a.components[static_cast<size_t>(i)];
    by_component[name] = f.params;
    active_by_component[name] = f.params_active;
    prefill_by_component[name] = flops_json(f.prefill_flops);
    decode_by_component[name] = flops_json(f.decode_flops);
  }
  j["params"] = {{"total", a.params.total},
                 {"active", a.params.active},
                 {"embedding", a.params.embedding},
                 {"active_without_input_embedding", a.params.active_without_input_embedding},
                 {"non_embedding", a.params.non_embedding},
                 {"by_component", by_component},
                 {"active_by_component", active_by_component}};
  j["kv_cache"] = {{"dtype", to_string(a.options.kv)},
                   {"bytes_per_token", a.kv.bytes_per_token},
                   {"bytes_per_token_steady", a.kv.bytes_per_token_steady},
                   {"steady_after_tokens", a.kv.steady_after_tokens},
                   {"context", a.options.context},
                   {"batch", a.options.batch},
                   {"bytes_at_context", a.kv.bytes_at_context}};
  j["flops"] = {{"prefill_total", flops_json(a.flops.prefill_total)},
                {"prefill_per_token", per(a.flops.prefill_total, a.prefill.rows)},
                {"decode_step", flops_json(a.flops.decode_step)},
                {"decode_per_token", per(a.flops.decode_step, a.decode.rows)},
                {"prefill_by_component", prefill_by_component},
                {"decode_by_component", decode_by_component}};
  j["weights_bytes"] = a.weights_bytes;
  const MemoryFit& m = a.memory;
  auto or_null = [](const auto& v) { return v ? json(*v) : json(nullptr); };
  j["memory"] = {{"weights_bytes", m.weights_bytes},
                 {"kv_bytes", m.kv_bytes},
                 {"activation_bytes", m.activation_bytes},
                 {"activation_bytes_prefill", m.activation_bytes_prefill},
                 {"activation_bytes_decode", m.activation_bytes_decode},
                 {"required_bytes", m.required_bytes},
                 {"device_bytes", or_null(m.device_bytes)},
                 {"fits", m.device_bytes ? json(m.fits) : json(nullptr)},
                 {"min_devices", or_null(m.min_devices)}};
  j["warnings"] = a.warnings;
  if (a.prefill_roofline && a.decode_roofline) {
    j["roofline"] = {{"prefill", roofline_json(*a.prefill_roofline)},
                     {"decode", roofline_json(*a.decode_roofline)}};
  }

  j["prologue"] = ops_json(a.decode.prologue, hw);
  json layers = json::array();
  for (size_t i = 0; i < a.decode.layers.size(); ++i) {
    const LayerPlan& layer = a.decode.layers[i];
    json l;
    l["index"] = layer.spec.index;
    l["attention"] = to_string(layer.spec.attention);
    l["position"] = to_string(layer.spec.position);
    l["window"] = layer.spec.window;
    l["moe"] = layer.spec.moe;
    l["ops"] = ops_json(layer.ops, hw);
    l["decode"] = totals_json(layer.ops, hw);
    l["prefill"] = totals_json(a.prefill.layers[i].ops, hw);
    layers.push_back(std::move(l));
  }
  j["layers"] = std::move(layers);
  j["epilogue"] = ops_json(a.decode.epilogue, hw);
  return j;
}

}  // namespace archscope
