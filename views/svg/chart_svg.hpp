// Chart model → standalone <svg> element. Every chart has a fixed viewBox kChartWidth wide (height
// depends on the content, e.g. heatmap rows), readable 12 px text, tooltips on every mark via
// <title>, and CSS classes on the marks ("bar", "segment", "cell", "roof", "point measured") so
// tests and report stylesheets can find them. The result has no XML declaration: inline it into
// XHTML as is, or wrap it with standalone() for a .svg file.
#pragma once

#include <string>

#include "charts/bar_chart.hpp"
#include "charts/heatmap.hpp"
#include "charts/line_chart.hpp"
#include "charts/roofline_chart.hpp"
#include "charts/share_chart.hpp"

namespace archscope::svg {

std::string to_svg(const charts::StackedBarChart& chart);
std::string to_svg(const charts::ShareChart& chart);
std::string to_svg(const charts::LineChart& chart);
std::string to_svg(const charts::Heatmap& chart);
std::string to_svg(const charts::RooflineChart& chart);

}  // namespace archscope::svg
