// Stacked vertical bars: one <g class="bar"> per category, one <rect class="segment"> per series.
#include <algorithm>
#include <cmath>

#include "charts/palette.hpp"
#include "svg/chart_svg.hpp"
#include "svg/plot_frame.hpp"
#include "svg/xml_text.hpp"

namespace archscope::svg {

std::string to_svg(const charts::StackedBarChart& chart) {
  const double height = 360;
  const bool legend = chart.show_legend && !chart.series.empty();
  SvgBuilder svg(kChartWidth, height, chart.title);
  draw_title(svg, chart.title);
  const Frame f{72, 44, kChartWidth - 72 - (legend ? kLegendWidth + 16 : 20), height - 44 - 58};
  draw_y_axis(svg, f, chart.value_axis);

  const size_t n = chart.categories.size();
  const double slot = n ? f.width / static_cast<double>(n) : f.width;
  const double bar_w = std::max(2.0, slot * 0.72);
  // Every k-th category label, so labels never overlap (about 30 px per label).
  const size_t label_every = std::max<size_t>(1, static_cast<size_t>(std::ceil(30.0 / slot)));
  const size_t max_chars = std::max<size_t>(3, static_cast<size_t>(slot * label_every / 7));

  for (size_t c = 0; c < n; ++c) {
    const std::string& name = chart.categories[c];
    const double total = stack_total(chart, c);
    const double x = f.left + slot * static_cast<double>(c) + (slot - bar_w) / 2;
    svg.open("g", {{"class", "bar"}, {"data-category", name}},
             chart.category_title + " " + name + ": " + charts::format_value(total, chart.unit));
    double acc = 0;
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const double v = chart.values[c][s];
      if (!(v > 0)) continue;
      const double y0 = map_y(chart.value_axis, f, acc), y1 = map_y(chart.value_axis, f, acc + v);
      acc += v;
      const int colour = c < chart.category_colours.size() ? chart.category_colours[c] : chart.series[s].colour;
      std::string tip = chart.category_title + " " + name + " · " + chart.series[s].label + ": " +
                        charts::format_value(v, chart.unit);
      if (chart.series.size() > 1 && total > 0) tip += " (" + percent_text(v / total) + ")";
      svg.rect(x, y1, bar_w, y0 - y1, charts::palette(colour).hex(), {{"class", "segment"}}, tip);
    }
    if (!legend)  // single-figure bars carry their value on top
      svg.text(x + bar_w / 2, map_y(chart.value_axis, f, total) - 5, charts::format_value(total, chart.unit),
               {{"text-anchor", "middle"}, {"font-size", "11"}});
    svg.close();
    if (c % label_every == 0)
      svg.text(f.left + slot * (static_cast<double>(c) + 0.5), f.bottom() + 16, truncate(name, max_chars),
               {{"text-anchor", "middle"}, {"fill", "#555555"}});
  }
  draw_frame_border(svg, f);
  svg.text(f.left + f.width / 2, f.bottom() + 40, chart.category_title, {{"text-anchor", "middle"}, {"fill", "#555555"}});

  if (legend) {
    // Top of the stack first, as the segments appear on screen.
    std::vector<LegendItem> items;
    for (auto it = chart.series.rbegin(); it != chart.series.rend(); ++it)
      items.push_back({it->label, charts::palette(it->colour).hex(), LegendItem::Marker::Box});
    draw_legend(svg, f.right() + 20, f.top + 10, items);
  }
  return svg.finish();
}

}  // namespace archscope::svg
