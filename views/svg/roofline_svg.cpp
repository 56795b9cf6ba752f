// Roofline on log-log axes: the roof as <polyline class="roof">, a dotted ridge marker, measured
// points as filled dots and predicted ones as rings in the op kind's colour, a faint line from
// each kind's predicted point to its measured one (the gap to the roof's promise).
#include <cmath>
#include <set>

#include "charts/palette.hpp"
#include "report/text_format.hpp"
#include "svg/chart_svg.hpp"
#include "svg/plot_frame.hpp"
#include "svg/xml_text.hpp"

namespace archscope::svg {

namespace {

std::string point_tip(const charts::RooflinePoint& p) {
  return p.label + (p.predicted ? " (predicted): " : " (measured): ") +
         charts::format_value(p.flops_per_s, charts::Unit::FlopsPerSecond) + " at " +
         charts::format_value(p.intensity, charts::Unit::FlopsPerByte) + ", " +
         charts::format_value(p.seconds, charts::Unit::Seconds);
}

}  // namespace

std::string to_svg(const charts::RooflineChart& chart) {
  const double height = 420;
  SvgBuilder svg(kChartWidth, height, chart.title);
  draw_title(svg, chart.title);
  const Frame f{72, 44, kChartWidth - 72 - kLegendWidth - 16, height - 44 - 64};
  draw_y_axis(svg, f, chart.y);
  draw_x_axis(svg, f, chart.x);
  const auto px = [&](double v) { return map_x(chart.x, f, v); };
  const auto py = [&](double v) { return map_y(chart.y, f, v); };

  std::string roof;
  for (const charts::Point& p : chart.roof) roof += (roof.empty() ? "" : " ") + num(px(p.x)) + "," + num(py(p.y));
  svg.element("polyline",
              {{"class", "roof"}, {"points", roof}, {"fill", "none"}, {"stroke", "#222222"}, {"stroke-width", "2.5"}},
              "roofline: " + chart.slope_label + " up to the ridge at " +
                  charts::format_value(chart.ridge, charts::Unit::FlopsPerByte) + ", then " + chart.ceiling_label);
  if (chart.ridge > chart.x.min && chart.ridge < chart.x.max)
    svg.line(px(chart.ridge), py(chart.peak_flops), px(chart.ridge), f.bottom(), "#888888",
             {{"class", "ridge"}, {"stroke-dasharray", "2 3"}});
  svg.text(f.right() - 4, py(chart.peak_flops) - 6, chart.ceiling_label, {{"text-anchor", "end"}, {"font-size", "11"}});
  if (chart.roof.size() == 3) {
    // Label the slope along its own angle, a little above its middle.
    const double x0 = px(chart.roof[0].x), y0 = py(chart.roof[0].y), x1 = px(chart.roof[1].x), y1 = py(chart.roof[1].y);
    const double angle = std::atan2(y1 - y0, x1 - x0) * 180 / M_PI;
    const double mx = (x0 + x1) / 2, my = (y0 + y1) / 2 - 6;
    svg.text(mx, my, chart.slope_label,
             {{"text-anchor", "middle"}, {"font-size", "11"}, {"transform", "rotate(" + num(angle) + " " + num(mx) + " " + num(my) + ")"}});
  }

  // Gap lines first, so the markers sit on top of them.
  for (const charts::RooflinePoint& m : chart.points) {
    if (m.predicted) continue;
    for (const charts::RooflinePoint& p : chart.points)
      if (p.predicted && p.label == m.label)
        svg.line(px(p.intensity), py(p.flops_per_s), px(m.intensity), py(m.flops_per_s),
                 charts::palette(m.colour).hex(), {{"class", "gap"}, {"stroke-opacity", "0.45"}, {"stroke-dasharray", "3 3"}});
  }
  std::set<std::string> kinds_seen;
  std::vector<LegendItem> legend;
  for (const charts::RooflinePoint& p : chart.points) {
    const std::string colour = charts::palette(p.colour).hex();
    Attrs attrs = {{"class", p.predicted ? "point predicted" : "point measured"}, {"cx", num(px(p.intensity))},
                   {"cy", num(py(p.flops_per_s))}, {"r", "5"}};
    if (p.predicted) {
      attrs.insert(attrs.end(), {{"fill", "#ffffff"}, {"stroke", colour}, {"stroke-width", "2"}});
    } else {
      attrs.insert(attrs.end(), {{"fill", colour}, {"stroke", "#ffffff"}, {"stroke-width", "1"}});
    }
    svg.element("circle", attrs, point_tip(p));
    if (kinds_seen.insert(p.label).second) legend.push_back({p.label, colour, LegendItem::Marker::Box});
  }
  draw_frame_border(svg, f);
  legend.push_back({"measured", "#666666", LegendItem::Marker::Dot});
  legend.push_back({"predicted", "#666666", LegendItem::Marker::Ring});
  draw_legend(svg, f.right() + 20, f.top + 10, legend);
  if (!chart.skipped.empty()) {
    std::string note = "not placeable (no FLOPs, bytes or time): ";
    for (size_t i = 0; i < chart.skipped.size(); ++i) note += (i ? ", " : "") + chart.skipped[i];
    svg.text(12, height - 8, truncate(note, 120), {{"font-size", "10"}, {"fill", "#777777"}});
  }
  return svg.finish();
}

}  // namespace archscope::svg
