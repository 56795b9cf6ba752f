// Sums over the part of a plan a layer slice runs (config/layer_range.hpp): the prologue, the
// slice's layers and the epilogue. nullopt: the whole plan (same as totals(plan)).
#pragma once

#include <optional>

#include "config/layer_range.hpp"
#include "plan/plan.hpp"

namespace archscope {

PlanTotals slice_totals(const Plan& plan, const std::optional<LayerRange>& slice);

}  // namespace archscope
