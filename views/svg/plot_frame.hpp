// Shared pieces of every chart drawing: the plot rectangle, value → pixel mapping on linear and
// log axes, gridlines with tick labels, the chart title and the legend.
#pragma once

#include <string>
#include <vector>

#include "charts/axis.hpp"
#include "svg/svg_builder.hpp"

namespace archscope::svg {

// Layout of every chart: a fixed width so charts line up in a report column.
inline constexpr double kChartWidth = 760;
inline constexpr double kTitleHeight = 34;
inline constexpr double kLegendWidth = 150;

struct Frame {
  double left = 0, top = 0, width = 0, height = 0;
  double right() const { return left + width; }
  double bottom() const { return top + height; }
};

// Position of v between `from` (axis.min) and `to` (axis.max) in pixels; log axes map decades
// evenly and clamp non-positive values to the axis minimum.
double map_value(const charts::Axis& axis, double v, double from, double to);
inline double map_x(const charts::Axis& a, const Frame& f, double v) { return map_value(a, v, f.left, f.right()); }
inline double map_y(const charts::Axis& a, const Frame& f, double v) { return map_value(a, v, f.bottom(), f.top); }

// 0.423 -> "42.3%", for tooltips.
std::string percent_text(double fraction);

void draw_title(SvgBuilder& svg, const std::string& title);
// A vertical value axis on the frame's left edge, horizontal gridlines, rotated title.
void draw_y_axis(SvgBuilder& svg, const Frame& frame, const charts::Axis& axis);
// A horizontal value axis under the frame, vertical gridlines, title below.
void draw_x_axis(SvgBuilder& svg, const Frame& frame, const charts::Axis& axis);
void draw_frame_border(SvgBuilder& svg, const Frame& frame);

struct LegendItem {
  std::string label;
  std::string colour;  // "#rrggbb"
  enum class Marker { Box, Line, DashedLine, Dot, Ring } marker = Marker::Box;
};
// A vertical legend starting at (x, y); labels longer than the legend column are shortened (the
// full text is in the item's tooltip). Returns the y below the last item.
double draw_legend(SvgBuilder& svg, double x, double y, const std::vector<LegendItem>& items);

}  // namespace archscope::svg
