// Draws a views/charts StackedBarChart with ImGui's draw list: the same model the SVG writer
// draws, so a per-layer chart looks and reads the same in the app and in an exported report.
#pragma once

#include <imgui.h>

#include "charts/bar_chart.hpp"

namespace archscope::studio {

// Draws `chart` into the rectangle [origin, origin + size] of the current window, with a tooltip
// on the hovered bar segment. Returns the hovered category, or -1.
int draw_stacked_bars(const charts::StackedBarChart& chart, ImVec2 origin, ImVec2 size);

}  // namespace archscope::studio
