// The analytic plan of one step, indexed by (layer, op name), so every executed op can carry the
// plan's predicted FLOPs and bytes for exactly that step: phase, new tokens, cached context and
// batch as the step ran. A fused step (OpEvent::also) costs its op plus the fused ones.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "plan/plan.hpp"

namespace archscope::prof {

struct OpCost {
  std::string kind;  // the plan's OpKind name of the reported op
  uint64_t flops = 0;
  uint64_t bytes = 0;  // bytes read + written
};

class StepCosts {
 public:
  // options: the step's phase, tokens (prefill), context (decode), batch and dtypes.
  StepCosts(const ModelConfig& config, const PlanOptions& options);

  // Throws Error(Internal) when the plan has no such op: the forward pass and the plan disagree.
  OpCost cost(int64_t layer, const std::string& op, const char* also) const;

  const Plan& plan() const { return plan_; }

 private:
  const Op& find(int64_t layer, const std::string& name) const;

  Plan plan_;
  int64_t n_layers_ = 0;
  // Index layer + 1 (prologue 0, epilogue n_layers + 1): op name -> op.
  std::vector<std::unordered_map<std::string, const Op*>> index_;
};

}  // namespace archscope::prof
