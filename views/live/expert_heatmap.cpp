#include "live/expert_heatmap.hpp"

#include <algorithm>

namespace archscope::views::live {

double max_over_mean(const prof::ExpertLoadStats& s) {
  return s.mean_load > 0 ? static_cast<double>(s.max_load) / s.mean_load : 0.0;
}

ExpertHeatmap expert_heatmap(const std::map<int32_t, std::vector<int64_t>>& counts,
                             double capacity_factor,
                             const std::map<int32_t, int64_t>* dropped_per_layer) {
  ExpertHeatmap h;
  h.capacity_factor = capacity_factor;
  for (const auto& [layer, v] : counts) {
    if (v.empty()) continue;
    h.layers.push_back(layer);
    h.experts = std::max(h.experts, static_cast<int32_t>(v.size()));
  }
  h.counts.assign(h.layers.size() * static_cast<size_t>(h.experts), 0);
  for (size_t r = 0; r < h.layers.size(); ++r) {
    const std::vector<int64_t>& v = counts.at(h.layers[r]);
    std::copy(v.begin(), v.end(), h.counts.begin() + static_cast<std::ptrdiff_t>(r * h.experts));
    prof::ExpertLoadStats s = prof::expert_load(v, dropped_per_layer ? 0.0 : capacity_factor);
    if (dropped_per_layer) {
      const auto it = dropped_per_layer->find(h.layers[r]);
      s.capacity_factor = capacity_factor;
      s.dropped = it != dropped_per_layer->end() ? it->second : 0;
    }
    h.max_count = std::max(h.max_count, s.max_load);
    h.assignments += s.assignments;
    h.dropped += s.dropped;
    if (s.assignments > 0) {
      const double mm = max_over_mean(s);
      if (h.worst_layer < 0 || mm > h.worst_max_over_mean) {
        h.worst_max_over_mean = mm;
        h.worst_layer = h.layers[r];
      }
      h.worst_cv = std::max(h.worst_cv, s.cv);
      h.min_normalized_entropy = std::min(h.min_normalized_entropy, s.normalized_entropy);
    }
    h.rows.push_back(s);
  }
  return h;
}

void ExpertLoadFold::apply(const prof::Event& e) {
  const auto* x = std::get_if<prof::ExpertCounts>(&e);
  if (!x) return;
  for (const prof::ExpertCountRecord& r : x->counts) {
    if (r.step != last_step_) {
      ++steps_;
      last_step_ = r.step;
    }
    if (r.tokens_per_expert.empty()) continue;
    int64_t n = 0;
    for (int64_t c : r.tokens_per_expert) n += c;
    const auto experts = static_cast<int64_t>(r.tokens_per_expert.size());
    for (size_t i = 0; i < kCapacityFactors.size(); ++i) {
      int64_t& sum = dropped_[i][r.layer];
      if (n == 0) continue;
      const int64_t cap = prof::expert_capacity(kCapacityFactors[i], n, experts);
      sum += prof::dropped_over_capacity(r.tokens_per_expert, cap);
    }
  }
}

}  // namespace archscope::views::live
