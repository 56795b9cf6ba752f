// Expert-load heatmap: rows are MoE layers, columns experts, cells the cumulative tokens routed
// to that expert; a sequential colour scale with a legend axis from 0 to the hottest cell.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "charts/axis.hpp"

namespace archscope::charts {

struct Heatmap {
  std::string title;
  std::string row_title = "layer";
  std::string column_title = "expert";
  std::vector<std::string> rows;
  std::vector<std::string> columns;
  std::vector<std::vector<double>> values;  // [row][column]
  Unit unit = Unit::Tokens;
  Axis scale;  // legend: cell colour is heat_colour(value / scale.max)
};

// `tokens[layer][expert]`; rows may have different expert counts (missing cells are 0). Column
// labels are the expert indices.
Heatmap expert_heatmap(const std::string& title, const std::vector<std::string>& layers,
                       const std::vector<std::vector<int64_t>>& tokens);

// Where a value sits on the colour scale, 0..1.
double heat_position(const Heatmap& map, double value);

}  // namespace archscope::charts
