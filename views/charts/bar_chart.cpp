#include "charts/bar_chart.hpp"

#include <algorithm>
#include <stdexcept>

#include "charts/palette.hpp"

namespace archscope::charts {

double stack_total(const StackedBarChart& chart, size_t category) {
  double sum = 0;
  for (double v : chart.values.at(category)) sum += v;
  return sum;
}

StackedBarChart layer_time_chart(const std::string& title, const std::vector<std::string>& layers,
                                 const std::vector<std::string>& kinds,
                                 const std::vector<std::vector<double>>& seconds) {
  if (seconds.size() != layers.size()) throw std::invalid_argument("layer_time_chart: rows != layers");
  for (const auto& row : seconds)
    if (row.size() != kinds.size()) throw std::invalid_argument("layer_time_chart: columns != kinds");

  StackedBarChart chart;
  chart.title = title;
  chart.category_title = "layer";
  chart.categories = layers;
  chart.unit = Unit::Seconds;
  std::vector<size_t> kept;
  for (size_t k = 0; k < kinds.size(); ++k) {
    const bool any = std::any_of(seconds.begin(), seconds.end(), [k](const auto& row) { return row[k] > 0; });
    if (!any) continue;
    kept.push_back(k);
    chart.series.push_back({kinds[k], kind_colour(kinds[k])});
  }
  double tallest = 0;
  for (const auto& row : seconds) {
    std::vector<double> values;
    double sum = 0;
    for (size_t k : kept) {
      values.push_back(row[k]);
      sum += row[k];
    }
    tallest = std::max(tallest, sum);
    chart.values.push_back(std::move(values));
  }
  chart.value_axis = linear_axis("time", 0, tallest, Unit::Seconds);
  return chart;
}

StackedBarChart comparison_chart(const std::string& title, const std::string& value_title,
                                 const std::vector<std::string>& runs, const std::vector<double>& values,
                                 Unit unit) {
  if (values.size() != runs.size()) throw std::invalid_argument("comparison_chart: values != runs");
  StackedBarChart chart;
  chart.title = title;
  chart.category_title = "run";
  chart.categories = runs;
  chart.series.push_back({value_title, 0});
  chart.unit = unit;
  chart.show_legend = false;  // the bars are labelled by run; one series needs no legend
  double tallest = 0;
  for (size_t i = 0; i < runs.size(); ++i) {
    chart.values.push_back({values[i]});
    chart.category_colours.push_back(static_cast<int>(i));
    tallest = std::max(tallest, values[i]);
  }
  chart.value_axis = linear_axis(value_title, 0, tallest, unit);
  return chart;
}

}  // namespace archscope::charts
