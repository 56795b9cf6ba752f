#include "live/plot_draw.hpp"

#include <algorithm>
#include <cmath>

#include "charts/palette.hpp"

namespace archscope::studio {

namespace {
double fraction(const charts::Axis& a, double v) {
  if (a.scale == charts::Scale::Log) {
    const double lo = std::log10(std::max(a.min, 1e-300)), hi = std::log10(std::max(a.max, 1e-300));
    const double lv = v > 0 ? std::log10(v) : lo;
    return hi > lo ? (lv - lo) / (hi - lo) : 0;
  }
  return a.max > a.min ? (v - a.min) / (a.max - a.min) : 0;
}
}  // namespace

void legend_swatch(ImU32 colour, const std::string& label) {
  const float h = ImGui::GetTextLineHeight();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + h * 0.2f),
                                            ImVec2(p.x + h * 0.6f, p.y + h * 0.8f), colour);
  ImGui::Dummy(ImVec2(h * 0.7f, h));
  ImGui::SameLine(0, 2);
  ImGui::TextUnformatted(label.c_str());
}

ImU32 palette_colour(int index, int alpha) {
  const charts::Rgb c = charts::palette(index);
  return IM_COL32(c.r, c.g, c.b, alpha);
}

ImVec2 PlotArea::at(double xv, double yv) const {
  const double fx = std::clamp(fraction(x, xv), -0.01, 1.01);
  const double fy = std::clamp(fraction(y, yv), -0.01, 1.01);
  return ImVec2(lo.x + static_cast<float>(fx) * (hi.x - lo.x),
                hi.y - static_cast<float>(fy) * (hi.y - lo.y));
}

PlotArea draw_axes(ImVec2 origin, ImVec2 size, const charts::Axis& x, const charts::Axis& y) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight();
  float label_w = 0;
  for (const auto& t : y.ticks) label_w = std::max(label_w, ImGui::CalcTextSize(t.label.c_str()).x);
  PlotArea a;
  a.x = x;
  a.y = y;
  a.lo = ImVec2(origin.x + label_w + 10, origin.y + line + 6);
  a.hi = ImVec2(std::max(a.lo.x + 10, origin.x + size.x - 12),
                std::max(a.lo.y + 10, origin.y + size.y - 2 * line - 8));
  dl->AddText(ImVec2(origin.x, origin.y), kMutedInk, y.title.c_str());
  for (const auto& t : y.ticks) {
    const float py = a.at(x.min, t.value).y;
    dl->AddLine(ImVec2(a.lo.x, py), ImVec2(a.hi.x, py), kGridInk);
    const ImVec2 ts = ImGui::CalcTextSize(t.label.c_str());
    dl->AddText(ImVec2(a.lo.x - ts.x - 6, py - ts.y / 2), kMutedInk, t.label.c_str());
  }
  for (const auto& t : x.ticks) {
    const float px = a.at(t.value, y.min).x;
    dl->AddLine(ImVec2(px, a.lo.y), ImVec2(px, a.hi.y), kGridInk);
    const ImVec2 ts = ImGui::CalcTextSize(t.label.c_str());
    dl->AddText(ImVec2(px - ts.x / 2, a.hi.y + 4), kMutedInk, t.label.c_str());
  }
  const ImVec2 xt = ImGui::CalcTextSize(x.title.c_str());
  dl->AddText(ImVec2((a.lo.x + a.hi.x - xt.x) / 2, a.hi.y + line + 6), kMutedInk, x.title.c_str());
  dl->AddRect(a.lo, a.hi, IM_COL32(180, 180, 180, 255));
  return a;
}

void draw_polyline(const PlotArea& a, const std::vector<double>& xs, const std::vector<double>& ys,
                   ImU32 colour, float thickness) {
  const size_t n = std::min(xs.size(), ys.size());
  if (n == 0) return;
  std::vector<ImVec2> pts;
  pts.reserve(n);
  for (size_t i = 0; i < n; ++i) pts.push_back(a.at(xs[i], ys[i]));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (n == 1) {
    dl->AddCircleFilled(pts[0], thickness + 2, colour);
    return;
  }
  dl->PushClipRect(a.lo, a.hi, true);
  dl->AddPolyline(pts.data(), static_cast<int>(n), colour, 0, thickness);
  dl->PopClipRect();
}

}  // namespace archscope::studio
