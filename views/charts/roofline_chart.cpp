#include "charts/roofline_chart.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "charts/palette.hpp"
#include "report/text_format.hpp"

namespace archscope::charts {

namespace {

void add_points(RooflineChart& chart, const std::vector<OpCost>& costs, bool predicted) {
  for (const OpCost& c : costs) {
    if (c.flops == 0 || c.bytes == 0 || !(c.seconds > 0)) {
      chart.skipped.push_back(c.label + (predicted ? " (predicted)" : " (measured)"));
      continue;
    }
    const double flops = static_cast<double>(c.flops);
    chart.points.push_back({c.label, predicted, kind_colour(c.label), flops / static_cast<double>(c.bytes),
                            flops / c.seconds, c.seconds});
  }
}

}  // namespace

RooflineChart roofline_chart(const std::string& title, double peak_flops, double bandwidth,
                             const std::string& peak_dtype, const std::vector<OpCost>& measured,
                             const std::vector<OpCost>& predicted) {
  if (!(peak_flops > 0) || !(bandwidth > 0)) throw std::invalid_argument("roofline_chart: peak and bandwidth must be > 0");
  RooflineChart chart;
  chart.title = title;
  chart.peak_flops = peak_flops;
  chart.bandwidth = bandwidth;
  chart.ridge = peak_flops / bandwidth;
  chart.ceiling_label = peak_dtype + " peak " + text::si(peak_flops, "FLOP/s");
  chart.slope_label = text::si(bandwidth, "B/s");
  add_points(chart, measured, false);
  add_points(chart, predicted, true);

  // Axes span the points and the ridge with a little room, so the roof's bend is always visible.
  double x_lo = chart.ridge / 10, x_hi = chart.ridge * 10;
  double y_lo = peak_flops / 1000, y_hi = peak_flops * 2;
  for (const RooflinePoint& p : chart.points) {
    x_lo = std::min(x_lo, p.intensity / 2);
    x_hi = std::max(x_hi, p.intensity * 2);
    y_lo = std::min(y_lo, p.flops_per_s / 2);
    y_hi = std::max(y_hi, p.flops_per_s * 2);
  }
  chart.x = log_axis("arithmetic intensity", x_lo, x_hi, Unit::FlopsPerByte);
  chart.y = log_axis("performance", y_lo, y_hi, Unit::FlopsPerSecond);

  // The slope enters at the left edge, or at the bottom edge when bandwidth × x_min is below it.
  const double x_start = std::max(chart.x.min, chart.y.min / bandwidth);
  if (x_start < chart.ridge) {
    chart.roof.push_back({x_start, bandwidth * x_start});
    chart.roof.push_back({chart.ridge, peak_flops});
  } else {
    chart.roof.push_back({chart.x.min, peak_flops});
  }
  chart.roof.push_back({chart.x.max, peak_flops});
  return chart;
}

}  // namespace archscope::charts
