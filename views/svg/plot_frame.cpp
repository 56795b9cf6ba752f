#include "svg/plot_frame.hpp"

#include <cmath>

#include "report/text_format.hpp"
#include "svg/xml_text.hpp"

namespace archscope::svg {

namespace {

constexpr const char* kGrid = "#e3e3e3";
constexpr const char* kMinorGrid = "#f1f1f1";
constexpr const char* kAxis = "#555555";

}  // namespace

double map_value(const charts::Axis& axis, double v, double from, double to) {
  double t;
  if (axis.scale == charts::Scale::Log) {
    const double lo = std::log10(axis.min), hi = std::log10(axis.max);
    t = hi > lo ? (std::log10(std::max(v, axis.min)) - lo) / (hi - lo) : 0;
  } else {
    t = axis.max > axis.min ? (v - axis.min) / (axis.max - axis.min) : 0;
  }
  return from + (to - from) * t;
}

std::string percent_text(double fraction) { return text::fixed(100 * fraction, 1) + "%"; }

void draw_title(SvgBuilder& svg, const std::string& title) {
  svg.text(12, 22, title, {{"class", "chart-title"}, {"font-size", "15"}, {"font-weight", "600"}});
}

void draw_y_axis(SvgBuilder& svg, const Frame& f, const charts::Axis& axis) {
  svg.open("g", {{"class", "axis y-axis"}});
  if (axis.scale == charts::Scale::Log) {
    for (size_t i = 0; i + 1 < axis.ticks.size(); ++i)
      for (int m = 2; m <= 9; ++m) {
        const double y = map_y(axis, f, axis.ticks[i].value * m);
        svg.line(f.left, y, f.right(), y, kMinorGrid);
      }
  }
  for (const charts::Tick& t : axis.ticks) {
    const double y = map_y(axis, f, t.value);
    svg.line(f.left, y, f.right(), y, kGrid);
    svg.text(f.left - 6, y + 4, t.label, {{"text-anchor", "end"}, {"fill", kAxis}});
  }
  const double cy = f.top + f.height / 2;
  svg.text(16, cy, axis.title,
           {{"text-anchor", "middle"}, {"transform", "rotate(-90 16 " + num(cy) + ")"}, {"fill", kAxis}});
  svg.close();
}

void draw_x_axis(SvgBuilder& svg, const Frame& f, const charts::Axis& axis) {
  svg.open("g", {{"class", "axis x-axis"}});
  if (axis.scale == charts::Scale::Log) {
    for (size_t i = 0; i + 1 < axis.ticks.size(); ++i)
      for (int m = 2; m <= 9; ++m) {
        const double x = map_x(axis, f, axis.ticks[i].value * m);
        svg.line(x, f.top, x, f.bottom(), kMinorGrid);
      }
  }
  for (const charts::Tick& t : axis.ticks) {
    const double x = map_x(axis, f, t.value);
    svg.line(x, f.top, x, f.bottom(), kGrid);
    svg.text(x, f.bottom() + 16, t.label, {{"text-anchor", "middle"}, {"fill", kAxis}});
  }
  svg.text(f.left + f.width / 2, f.bottom() + 36, axis.title, {{"text-anchor", "middle"}, {"fill", kAxis}});
  svg.close();
}

void draw_frame_border(SvgBuilder& svg, const Frame& f) {
  svg.line(f.left, f.bottom(), f.right(), f.bottom(), kAxis);
  svg.line(f.left, f.top, f.left, f.bottom(), kAxis);
}

double draw_legend(SvgBuilder& svg, double x, double y, const std::vector<LegendItem>& items) {
  if (items.empty()) return y;
  svg.open("g", {{"class", "legend"}});
  for (const LegendItem& item : items) {
    svg.open("g", {{"class", "legend-item"}}, item.label);
    using M = LegendItem::Marker;
    switch (item.marker) {
      case M::Box: svg.rect(x, y - 9, 12, 12, item.colour); break;
      case M::Line: svg.line(x - 2, y - 3, x + 14, y - 3, item.colour, {{"stroke-width", "2.5"}}); break;
      case M::DashedLine:
        svg.line(x - 2, y - 3, x + 14, y - 3, item.colour, {{"stroke-width", "2.5"}, {"stroke-dasharray", "5 3"}});
        break;
      case M::Dot:
        svg.element("circle", {{"cx", num(x + 6)}, {"cy", num(y - 3)}, {"r", "4.5"}, {"fill", item.colour}});
        break;
      case M::Ring:
        svg.element("circle", {{"cx", num(x + 6)}, {"cy", num(y - 3)}, {"r", "4.5"}, {"fill", "#ffffff"},
                               {"stroke", item.colour}, {"stroke-width", "2"}});
        break;
    }
    svg.text(x + 20, y + 1, truncate(item.label, 18));
    svg.close();
    y += 18;
  }
  svg.close();
  return y;
}

}  // namespace archscope::svg
