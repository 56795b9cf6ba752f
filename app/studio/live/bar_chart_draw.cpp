#include "live/bar_chart_draw.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "charts/palette.hpp"

namespace archscope::studio {

namespace {

ImU32 colour(int index, int alpha = 255) {
  const charts::Rgb c = charts::palette(index);
  return IM_COL32(c.r, c.g, c.b, alpha);
}

constexpr ImU32 kInk = IM_COL32(40, 40, 40, 255);
constexpr ImU32 kMuted = IM_COL32(100, 100, 100, 255);
constexpr ImU32 kGrid = IM_COL32(225, 225, 225, 255);

float map_y(const charts::Axis& axis, float top, float height, double v) {
  const double span = axis.max > axis.min ? axis.max - axis.min : 1;
  return top + height - static_cast<float>((v - axis.min) / span) * height;
}

}  // namespace

int draw_stacked_bars(const charts::StackedBarChart& chart, ImVec2 origin, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight();
  const bool legend = chart.show_legend && chart.series.size() > 1;
  float legend_w = 0;
  if (legend)
    for (const auto& s : chart.series)
      legend_w = std::max(legend_w, ImGui::CalcTextSize(s.label.c_str()).x + line + 12);
  float label_w = 0;  // widest tick label; the axis title goes on top
  for (const auto& t : chart.value_axis.ticks)
    label_w = std::max(label_w, ImGui::CalcTextSize(t.label.c_str()).x);
  const float left = origin.x + label_w + 10, top = origin.y + line + 8;
  const float right = origin.x + size.x - (legend ? legend_w + 10 : 8);
  const float bottom = origin.y + size.y - line * 2 - 6;
  const float w = std::max(10.0f, right - left), h = std::max(10.0f, bottom - top);
  dl->AddText(ImVec2(origin.x, origin.y), kInk, chart.value_axis.title.c_str());

  for (const auto& tick : chart.value_axis.ticks) {
    const float y = map_y(chart.value_axis, top, h, tick.value);
    dl->AddLine(ImVec2(left, y), ImVec2(left + w, y), kGrid);
    const ImVec2 ts = ImGui::CalcTextSize(tick.label.c_str());
    dl->AddText(ImVec2(left - ts.x - 6, y - ts.y / 2), kMuted, tick.label.c_str());
  }
  dl->AddRect(ImVec2(left, top), ImVec2(left + w, top + h), IM_COL32(180, 180, 180, 255));

  const size_t n = chart.categories.size();
  const float slot = n ? w / static_cast<float>(n) : w;
  const float bar_w = std::max(1.0f, slot * 0.8f);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int hovered = -1;
  int hovered_series = -1;
  const float label_px = ImGui::CalcTextSize("L000").x + 6;
  const size_t label_every = std::max<size_t>(1, static_cast<size_t>(std::ceil(label_px / slot)));
  for (size_t c = 0; c < n; ++c) {
    const float x = left + slot * static_cast<float>(c) + (slot - bar_w) / 2;
    double acc = 0;
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const double v = chart.values[c][s];
      if (!(v > 0)) continue;
      const float y0 = map_y(chart.value_axis, top, h, acc),
                  y1 = map_y(chart.value_axis, top, h, acc + v);
      acc += v;
      const int col =
          c < chart.category_colours.size() ? chart.category_colours[c] : chart.series[s].colour;
      dl->AddRectFilled(ImVec2(x, y1), ImVec2(x + bar_w, y0), colour(col));
      if (mouse.x >= left + slot * static_cast<float>(c) &&
          mouse.x < left + slot * static_cast<float>(c + 1) && mouse.y >= y1 && mouse.y <= y0)
        hovered_series = static_cast<int>(s);
    }
    if (mouse.x >= left + slot * static_cast<float>(c) &&
        mouse.x < left + slot * static_cast<float>(c + 1) && mouse.y >= top && mouse.y <= top + h)
      hovered = static_cast<int>(c);
    if (c % label_every == 0) {
      const char* label = chart.categories[c].c_str();
      const ImVec2 ts = ImGui::CalcTextSize(label);
      dl->AddText(ImVec2(x + bar_w / 2 - ts.x / 2, top + h + 3), kMuted, label);
    }
  }
  const ImVec2 cs = ImGui::CalcTextSize(chart.category_title.c_str());
  dl->AddText(ImVec2(left + w / 2 - cs.x / 2, top + h + line + 5), kMuted,
              chart.category_title.c_str());

  if (legend) {
    float y = top;
    for (auto it = chart.series.rbegin(); it != chart.series.rend(); ++it) {
      dl->AddRectFilled(ImVec2(right + 10, y + 2), ImVec2(right + 10 + line - 4, y + line - 2),
                        colour(it->colour));
      dl->AddText(ImVec2(right + 10 + line, y), kInk, it->label.c_str());
      y += line + 4;
    }
  }

  if (hovered >= 0) {
    const size_t c = static_cast<size_t>(hovered);
    const float x = left + slot * static_cast<float>(c);
    dl->AddRect(ImVec2(x, top), ImVec2(x + slot, top + h), IM_COL32(30, 30, 30, 120));
    const double total = charts::stack_total(chart, c);
    ImGui::BeginTooltip();
    ImGui::Text("%s %s: %s", chart.category_title.c_str(), chart.categories[c].c_str(),
                charts::format_value(total, chart.unit).c_str());
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const double v = chart.values[c][s];
      if (!(v > 0)) continue;
      const std::string share =
          total > 0 ? " (" + std::to_string(static_cast<int>(std::lround(100 * v / total))) + "%)"
                    : "";
      const std::string text =
          chart.series[s].label + ": " + charts::format_value(v, chart.unit) + share;
      if (static_cast<int>(s) == hovered_series) {
        ImGui::TextColored(ImVec4(0.1f, 0.1f, 0.1f, 1), "> %s", text.c_str());
      } else {
        ImGui::TextColored(ImVec4(0.35f, 0.35f, 0.35f, 1), "  %s", text.c_str());
      }
    }
    ImGui::EndTooltip();
  }
  return hovered;
}

}  // namespace archscope::studio
