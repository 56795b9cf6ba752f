// Heatmap: a grid of <rect class="cell">, row and column labels, and a vertical colour-scale
// legend drawn as stacked bands (no gradient ids, which would clash between inlined charts).
#include <algorithm>
#include <cmath>

#include "charts/palette.hpp"
#include "svg/chart_svg.hpp"
#include "svg/plot_frame.hpp"
#include "svg/xml_text.hpp"

namespace archscope::svg {

std::string to_svg(const charts::Heatmap& map) {
  const size_t rows = std::max<size_t>(1, map.rows.size());
  const size_t cols = std::max<size_t>(1, map.columns.size());
  const double label_w = 64, legend_w = 130;
  const double cell_w = std::min(36.0, (kChartWidth - label_w - legend_w - 20) / static_cast<double>(cols));
  const double cell_h = std::clamp(cell_w, 12.0, 24.0);
  const double top = 44 + 26;  // title, then column labels and the legend title
  const double grid_h = cell_h * static_cast<double>(rows);
  const double legend_h = std::clamp(grid_h, 100.0, 180.0);
  const double height = top + std::max(grid_h, legend_h) + 44;
  SvgBuilder svg(kChartWidth, height, map.title);
  draw_title(svg, map.title);

  const size_t col_every = std::max<size_t>(1, static_cast<size_t>(std::ceil(22.0 / cell_w)));
  const size_t row_every = std::max<size_t>(1, static_cast<size_t>(std::ceil(13.0 / cell_h)));
  for (size_t c = 0; c < map.columns.size(); c += col_every)
    svg.text(label_w + cell_w * (static_cast<double>(c) + 0.5), top - 6, map.columns[c],
             {{"text-anchor", "middle"}, {"font-size", "10"}, {"fill", "#555555"}});
  svg.text(label_w + cell_w * static_cast<double>(cols) / 2, top + cell_h * static_cast<double>(rows) + 20,
           map.column_title, {{"text-anchor", "middle"}, {"fill", "#555555"}});

  for (size_t r = 0; r < map.rows.size(); ++r) {
    const double y = top + cell_h * static_cast<double>(r);
    double row_total = 0;
    for (double v : map.values[r]) row_total += v;
    svg.open("g", {{"class", "heat-row"}, {"data-row", map.rows[r]}});
    if (r % row_every == 0)
      svg.text(label_w - 6, y + cell_h / 2 + 4, truncate(map.row_title + " " + map.rows[r], 10),
               {{"text-anchor", "end"}, {"font-size", "11"}});
    for (size_t c = 0; c < map.values[r].size(); ++c) {
      const double v = map.values[r][c];
      std::string tip = map.row_title + " " + map.rows[r] + " · " + map.column_title + " " + map.columns[c] + ": " +
                        charts::format_value(v, map.unit);
      if (row_total > 0) tip += " (" + percent_text(v / row_total) + " of the layer)";
      svg.rect(label_w + cell_w * static_cast<double>(c), y, cell_w, cell_h,
               charts::heat_colour(charts::heat_position(map, v)).hex(),
               {{"class", "cell"}, {"stroke", "#ffffff"}, {"stroke-width", "0.5"}}, tip);
    }
    svg.close();
  }

  // Legend: title above, 40 bands from 0 (bottom) to scale.max (top), ticks on the right.
  // Next to the grid rather than at the far edge, so the eye does not travel across empty space.
  const double lx = label_w + cell_w * static_cast<double>(cols) + 36, ly = top, lh = legend_h;
  svg.open("g", {{"class", "color-scale"}}, map.scale.title);
  constexpr int kBands = 40;
  for (int i = 0; i < kBands; ++i) {
    const double t = (i + 0.5) / kBands;
    svg.rect(lx, ly + lh * (1 - static_cast<double>(i + 1) / kBands), 14, lh / kBands + 0.5,
             charts::heat_colour(t).hex());
  }
  for (const charts::Tick& t : map.scale.ticks) {
    const double y = ly + lh * (1 - charts::heat_position(map, t.value));
    svg.line(lx + 14, y, lx + 18, y, "#555555");
    svg.text(lx + 21, y + 4, t.label, {{"font-size", "11"}});
  }
  svg.text(lx - 4, ly - 8, map.scale.title, {{"font-size", "11"}, {"fill", "#555555"}});
  svg.close();
  return svg.finish();
}

}  // namespace archscope::svg
