#include "charts/share_chart.hpp"

#include <algorithm>
#include <stdexcept>

#include "charts/palette.hpp"

namespace archscope::charts {

ShareChart share_chart(const std::string& title, const std::vector<std::string>& labels,
                       const std::vector<double>& values, Unit unit) {
  if (labels.size() != values.size()) throw std::invalid_argument("share_chart: labels != values");
  ShareChart chart;
  chart.title = title;
  chart.unit = unit;
  for (double v : values) chart.total += std::max(0.0, v);
  for (size_t i = 0; i < labels.size(); ++i) {
    if (!(values[i] > 0)) continue;
    chart.slices.push_back({labels[i], values[i], 100.0 * values[i] / chart.total, kind_colour(labels[i])});
  }
  std::sort(chart.slices.begin(), chart.slices.end(), [](const ShareSlice& a, const ShareSlice& b) {
    return a.value != b.value ? a.value > b.value : a.label < b.label;
  });
  const double largest = chart.slices.empty() ? 100 : chart.slices.front().percent;
  chart.axis = linear_axis("share of time", 0, std::min(100.0, largest), Unit::Percent);
  return chart;
}

}  // namespace archscope::charts
