// Stacked bar charts: per-layer time split by op kind (one bar per layer, one segment per kind),
// and comparison bars across runs (one bar per run). Values are in the axis' base unit.
#pragma once

#include <string>
#include <vector>

#include "charts/axis.hpp"

namespace archscope::charts {

struct BarSeries {
  std::string label;  // legend text: the op kind
  int colour = 0;     // palette index
};

struct StackedBarChart {
  std::string title;
  std::string category_title;           // "layer", "run"
  std::vector<std::string> categories;  // one bar each, in drawing order
  std::vector<BarSeries> series;        // segments, bottom to top; empty series are dropped
  std::vector<std::vector<double>> values;  // [category][series]
  std::vector<int> category_colours;  // one per category when bars are coloured per bar (single series)
  Unit unit = Unit::Plain;
  Axis value_axis;  // from 0 to the tallest stack
  bool show_legend = true;
};

// Per-layer time by op kind. `seconds[layer][kind]`; kinds whose time is zero in every layer are
// left out so the legend lists only what ran. Throws std::invalid_argument on ragged input.
StackedBarChart layer_time_chart(const std::string& title, const std::vector<std::string>& layers,
                                 const std::vector<std::string>& kinds,
                                 const std::vector<std::vector<double>>& seconds);

// One bar per run for one figure (tokens/s, ms/token); bar colours follow the run order.
StackedBarChart comparison_chart(const std::string& title, const std::string& value_title,
                                 const std::vector<std::string>& runs, const std::vector<double>& values,
                                 Unit unit);

// Sum of one bar's segments.
double stack_total(const StackedBarChart& chart, size_t category);

}  // namespace archscope::charts
