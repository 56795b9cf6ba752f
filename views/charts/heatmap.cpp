#include "charts/heatmap.hpp"

#include <algorithm>
#include <stdexcept>

namespace archscope::charts {

Heatmap expert_heatmap(const std::string& title, const std::vector<std::string>& layers,
                       const std::vector<std::vector<int64_t>>& tokens) {
  if (layers.size() != tokens.size()) throw std::invalid_argument("expert_heatmap: rows != layers");
  Heatmap map;
  map.title = title;
  map.rows = layers;
  size_t experts = 0;
  for (const auto& row : tokens) experts = std::max(experts, row.size());
  for (size_t e = 0; e < experts; ++e) map.columns.push_back(std::to_string(e));
  double hottest = 0;
  for (const auto& row : tokens) {
    std::vector<double> values(experts, 0.0);
    for (size_t e = 0; e < row.size(); ++e) {
      values[e] = static_cast<double>(std::max<int64_t>(0, row[e]));
      hottest = std::max(hottest, values[e]);
    }
    map.values.push_back(std::move(values));
  }
  map.scale = linear_axis("routed", 0, hottest, Unit::Tokens, 4);
  return map;
}

double heat_position(const Heatmap& map, double value) {
  return map.scale.max > 0 ? std::clamp(value / map.scale.max, 0.0, 1.0) : 0.0;
}

}  // namespace archscope::charts
