#include "runner/step_costs.hpp"

#include "common/error.hpp"
#include "model/forward.hpp"

namespace archscope::prof {

StepCosts::StepCosts(const ModelConfig& config, const PlanOptions& options)
    : plan_(build_plan(config, options)), n_layers_(config.n_layers) {
  index_.resize(static_cast<size_t>(n_layers_ + 2));
  for (const Op& op : plan_.prologue) index_[0][op.name] = &op;
  for (size_t i = 0; i < plan_.layers.size(); ++i)
    for (const Op& op : plan_.layers[i].ops) index_[i + 1][op.name] = &op;
  for (const Op& op : plan_.epilogue) index_[static_cast<size_t>(n_layers_ + 1)][op.name] = &op;
}

const Op& StepCosts::find(int64_t layer, const std::string& name) const {
  if (layer >= -1 && layer <= n_layers_) {
    const auto& ops = index_[static_cast<size_t>(layer + 1)];
    if (const auto it = ops.find(name); it != ops.end()) return *it->second;
  }
  throw Error(ErrorKind::Internal, "profiler",
              "the forward pass ran op '" + name + "' in layer " + std::to_string(layer) + ", which the plan lacks");
}

OpCost StepCosts::cost(int64_t layer, const std::string& op, const char* also) const {
  const Op& a = find(layer, op);
  // A step the engine runs is far below 2^64 FLOPs (only analytic contexts of millions get there).
  OpCost c{to_string(a.kind), static_cast<uint64_t>(a.flops), a.bytes_read + a.bytes_written};
  for (const std::string& name : fused_ops(also)) {
    const Op& b = find(layer, name);
    c.flops += static_cast<uint64_t>(b.flops);
    c.bytes += b.bytes_read + b.bytes_written;
  }
  return c;
}

}  // namespace archscope::prof
