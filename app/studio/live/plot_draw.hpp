// Axes and lines with ImGui's draw list for the live views' plots (imgui 1.86 has no plotting and
// ImPlot is not packaged): views/charts axes (nice ticks, one display unit per axis), linear or
// log.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

#include "charts/axis.hpp"

namespace archscope::studio {

struct PlotArea {
  ImVec2 lo, hi;  // the plotting rectangle inside the axes, screen pixels
  charts::Axis x, y;
  ImVec2 at(double xv, double yv) const;  // data -> screen (log axes: non-positive at the edge)
  bool contains(ImVec2 p) const { return p.x >= lo.x && p.x <= hi.x && p.y >= lo.y && p.y <= hi.y; }
};

// Draws the grid, tick labels and axis titles into [origin, origin + size] and returns the
// plotting rectangle.
PlotArea draw_axes(ImVec2 origin, ImVec2 size, const charts::Axis& x, const charts::Axis& y);

void draw_polyline(const PlotArea& a, const std::vector<double>& xs, const std::vector<double>& ys,
                   ImU32 colour, float thickness = 1.5f);

// A coloured square and its label on the current line (legends; the font has no box glyph).
void legend_swatch(ImU32 colour, const std::string& label);

// Palette colour (views/charts/palette) as ImGui's packed colour.
ImU32 palette_colour(int index, int alpha = 255);

inline constexpr ImU32 kInk = IM_COL32(40, 40, 40, 255);
inline constexpr ImU32 kMutedInk = IM_COL32(100, 100, 100, 255);
inline constexpr ImU32 kGridInk = IM_COL32(225, 225, 225, 255);

}  // namespace archscope::studio
