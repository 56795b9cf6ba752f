// Line charts: one <polyline class="series"> per series with a marker per point.
#include "charts/palette.hpp"
#include "svg/chart_svg.hpp"
#include "svg/plot_frame.hpp"

namespace archscope::svg {

std::string to_svg(const charts::LineChart& chart) {
  const double height = 340;
  SvgBuilder svg(kChartWidth, height, chart.title);
  draw_title(svg, chart.title);
  const Frame f{84, 44, kChartWidth - 84 - kLegendWidth - 16, height - 44 - 58};
  draw_y_axis(svg, f, chart.y);
  draw_x_axis(svg, f, chart.x);
  std::vector<LegendItem> legend;
  for (const charts::LineSeries& s : chart.series) {
    const std::string colour = charts::palette(s.colour).hex();
    svg.open("g", {{"class", "series-group"}, {"data-label", s.label}});
    std::string points;
    for (const charts::Point& p : s.points)
      points += (points.empty() ? "" : " ") + num(map_x(chart.x, f, p.x)) + "," + num(map_y(chart.y, f, p.y));
    Attrs attrs = {{"class", "series"}, {"points", points}, {"fill", "none"}, {"stroke", colour},
                   {"stroke-width", "2"}, {"stroke-linejoin", "round"}};
    if (s.dashed) attrs.push_back({"stroke-dasharray", "6 4"});
    svg.element("polyline", attrs, s.label);
    // Markers only while they stay apart; a long run's line speaks for itself.
    if (s.points.size() <= 64)
      for (const charts::Point& p : s.points)
        svg.element("circle",
                    {{"class", "marker"}, {"cx", num(map_x(chart.x, f, p.x))}, {"cy", num(map_y(chart.y, f, p.y))},
                     {"r", "3"}, {"fill", colour}},
                    s.label + " at " + charts::format_value(p.x, chart.x_unit) + ": " +
                        charts::format_value(p.y, chart.y_unit));
    svg.close();
    legend.push_back({s.label, colour, s.dashed ? LegendItem::Marker::DashedLine : LegendItem::Marker::Line});
  }
  draw_frame_border(svg, f);
  draw_legend(svg, f.right() + 20, f.top + 10, legend);
  return svg.finish();
}

}  // namespace archscope::svg
