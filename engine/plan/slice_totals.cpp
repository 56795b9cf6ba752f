#include "plan/slice_totals.hpp"

namespace archscope {

PlanTotals slice_totals(const Plan& plan, const std::optional<LayerRange>& slice) {
  PlanTotals t = totals(plan.prologue);
  for (const LayerPlan& layer : plan.layers)
    if (runs_layer(slice, layer.spec.index))
      for (const Op& op : layer.ops) accumulate(t, op);
  for (const Op& op : plan.epilogue) accumulate(t, op);
  return t;
}

}  // namespace archscope
