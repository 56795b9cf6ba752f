// The expert-load heatmap of a MoE run: MoE layers × experts, the tokens routed to each expert in
// the latest step or summed over the run, with each layer's imbalance figures (max/mean, CV,
// normalised entropy, dropped assignments at a capacity factor; definitions and sources in
// profiler/metrics/expert_load.hpp) and the run-wide figures the view prints above the grid.
//
// Capacity applies per forward pass, so the cumulative drops are the sum of every step's drops
// (ExpertLoadFold keeps them for a fixed set of capacity factors as the steps arrive); they cannot
// be recomputed from the summed counts.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "events/events.hpp"
#include "metrics/expert_load.hpp"

namespace archscope::views::live {

// The capacity factors the view offers (1.0: exactly tokens × top_k / experts per expert; 1.25 is
// the Switch Transformer's training default, Fedus et al. 2021 §2.2).
inline constexpr std::array<double, 4> kCapacityFactors = {1.0, 1.25, 1.5, 2.0};

struct ExpertHeatmap {
  std::vector<int32_t> layers;  // rows, ascending layer index
  int32_t experts = 0;          // columns (the widest row; shorter rows are padded with 0)
  std::vector<int64_t> counts;  // rows × experts, row-major
  int64_t max_count = 0;        // over every cell
  std::vector<prof::ExpertLoadStats> rows;  // per layer, at the capacity factor asked for
  // Run-wide: the worst layer's max/mean and CV, the lowest normalised entropy, and the drops
  // summed over layers.
  double worst_max_over_mean = 0;
  int32_t worst_layer = -1;  // the layer with the highest max/mean (-1: no tokens routed)
  double worst_cv = 0;
  double min_normalized_entropy = 1;
  int64_t assignments = 0;
  int64_t dropped = 0;
  double capacity_factor = 0;

  int64_t count(size_t row, size_t expert) const {
    return counts[row * static_cast<size_t>(experts) + expert];
  }
};

// max load / mean load; 0 when nothing was routed.
double max_over_mean(const prof::ExpertLoadStats& s);

// From layer -> tokens per expert (LiveState::experts_last or experts_cumulative). With
// `dropped_per_layer` (the cumulative view) the rows' `dropped` come from it instead of the counts.
ExpertHeatmap expert_heatmap(const std::map<int32_t, std::vector<int64_t>>& counts,
                             double capacity_factor,
                             const std::map<int32_t, int64_t>* dropped_per_layer = nullptr);

// Keeps, as ExpertCounts events arrive, each layer's dropped assignments summed over the steps for
// every factor of kCapacityFactors.
class ExpertLoadFold {
 public:
  void apply(const prof::Event& e);
  // Layer -> Σ over steps of the step's drops at kCapacityFactors[factor_index].
  const std::map<int32_t, int64_t>& dropped(size_t factor_index) const {
    return dropped_[factor_index];
  }
  int64_t steps() const { return steps_; }  // distinct steps with expert counts

 private:
  std::array<std::map<int32_t, int64_t>, kCapacityFactors.size()> dropped_;
  int64_t steps_ = 0;
  int64_t last_step_ = -1;
};

}  // namespace archscope::views::live
