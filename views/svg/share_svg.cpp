// Op-kind shares as horizontal bars, largest first: one <g class="slice"> per kind.
#include <algorithm>

#include "charts/palette.hpp"
#include "svg/chart_svg.hpp"
#include "svg/plot_frame.hpp"
#include "svg/xml_text.hpp"

namespace archscope::svg {

std::string to_svg(const charts::ShareChart& chart) {
  const double row = 22;
  const double height = 44 + row * static_cast<double>(std::max<size_t>(1, chart.slices.size())) + 52;
  SvgBuilder svg(kChartWidth, height, chart.title);
  draw_title(svg, chart.title);
  // Room on the left for kind names, on the right for "42.1% · 1.234 ms".
  const Frame f{120, 44, kChartWidth - 120 - 170, height - 44 - 52};
  draw_x_axis(svg, f, chart.axis);
  for (size_t i = 0; i < chart.slices.size(); ++i) {
    const charts::ShareSlice& s = chart.slices[i];
    const double y = f.top + row * static_cast<double>(i);
    const std::string value = charts::format_value(s.value, chart.unit);
    const std::string share = charts::format_value(s.percent, charts::Unit::Percent);
    svg.open("g", {{"class", "slice"}, {"data-label", s.label}});
    svg.text(f.left - 8, y + 15, truncate(s.label, 16), {{"text-anchor", "end"}});
    const double x1 = map_x(chart.axis, f, s.percent);
    svg.rect(f.left, y + 4, x1 - f.left, row - 8, charts::palette(s.colour).hex(), {{"class", "share-bar"}},
             s.label + ": " + value + " (" + share + ")");
    svg.text(x1 + 6, y + 15, share + " · " + value, {{"font-size", "11"}});
    svg.close();
  }
  draw_frame_border(svg, f);
  return svg.finish();
}

}  // namespace archscope::svg
