#include "live/expert_heatmap_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "live/live_run.hpp"
#include "live/plot_draw.hpp"

namespace archscope::studio {

ImU32 load_colour(double relative) {
  // 0 -> pale grey-blue, 1 -> mid blue, 3+ -> deep red: an even layer reads as one flat blue row;
  // no cell has the window background colour that shows between cells.
  const double t = std::clamp(relative / 3.0, 0.0, 1.0);
  const auto lerp = [](double a, double b, double f) { return static_cast<int>(a + (b - a) * f); };
  if (t < 1.0 / 3.0) {
    const double f = t * 3;
    return IM_COL32(lerp(232, 66, f), lerp(236, 133, f), lerp(244, 244, f), 255);
  }
  const double f = (t - 1.0 / 3.0) * 1.5;
  return IM_COL32(lerp(66, 200, f), lerp(133, 30, f), lerp(244, 40, f), 255);
}

void ExpertHeatmapPanel::draw_body() {
  using namespace views::live;
  buttons_.clear();
  const auto button = [this](const char* label, bool active) {
    const bool clicked = ImGui::RadioButton(label, active);
    const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
    buttons_.push_back({lo.x, lo.y, hi.x - lo.x, hi.y - lo.y});
    return clicked;
  };
  if (button("Per step", !cumulative_)) cumulative_ = false;
  ImGui::SameLine();
  if (button("Cumulative", cumulative_)) cumulative_ = true;
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110);
  char preview[32];
  std::snprintf(preview, sizeof preview, "capacity %.2f", kCapacityFactors[factor_]);
  if (ImGui::BeginCombo("##capacity", preview)) {
    for (size_t i = 0; i < kCapacityFactors.size(); ++i) {
      char item[32];
      std::snprintf(item, sizeof item, "capacity %.2f", kCapacityFactors[i]);
      if (ImGui::Selectable(item, i == factor_)) factor_ = i;
    }
    ImGui::EndCombo();
  }
  const LiveState& s = run().state();
  const auto& counts = cumulative_ ? s.experts_cumulative : s.experts_last;
  const ExpertHeatmap h = expert_heatmap(counts, kCapacityFactors[factor_],
                                         cumulative_ ? &run().experts().dropped(factor_) : nullptr);
  rows_ = static_cast<int>(h.layers.size());
  cols_ = h.experts;
  if (h.layers.empty()) {
    grid_ = {};
    draw_centered_note(!s.started ? "Start a run (Run dock) or follow one"
                                  : "No expert counts (not a MoE model, or no step yet)");
    return;
  }
  ImGui::Text(
      "%d MoE layers × %d experts · worst max/mean %.2f (%s) · worst CV %.3f · lowest "
      "normalised entropy %.3f · dropped %lld of %lld assignments at capacity %.2f%s",
      rows_, cols_, h.worst_max_over_mean,
      h.worst_layer >= 0 ? layer_label(h.worst_layer, s.n_layers).c_str() : "-", h.worst_cv,
      h.min_normalized_entropy, static_cast<long long>(h.dropped),
      static_cast<long long>(h.assignments), h.capacity_factor,
      cumulative_ ? " (summed per step)" : "");
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float label_w = ImGui::CalcTextSize("L000 ").x;
  const float top_h = ImGui::GetTextLineHeight() + 4;
  const float gw = std::max(10.f, avail.x - label_w - 4), gh = std::max(10.f, avail.y - top_h - 4);
  const float cw = gw / static_cast<float>(cols_), ch = gh / static_cast<float>(rows_);
  const bool gaps = cw >= 16 && ch >= 16;
  const ImVec2 g0(origin.x + label_w, origin.y + top_h);
  grid_ = {g0.x, g0.y, cw * static_cast<float>(cols_), ch * static_cast<float>(rows_)};
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddText(
      ImVec2(g0.x, origin.y), kMutedInk,
      gaps ? "experts (pale: no tokens, blue: the layer's mean load, red: 3x the mean or more)"
           : "experts (white: no tokens, blue: the layer's mean load, red: 3x the mean or more)");
  // Row labels where they fit (every k-th row on tall models).
  const int label_every =
      std::max(1, static_cast<int>(ImGui::GetTextLineHeight() / std::max(ch, 1.f)) + 1);
  // Large cells get a gap of background between them. Small ones (94 × 128 in a window) are drawn
  // as runs: neighbours of one colour in a row are one quad, which under a software rasteriser
  // saves most of the triangles (a decode step sends a token to 8 of 128 experts).
  const ImU32 kEmpty = load_colour(0);
  const float gap = gaps ? 1.5f : 0.f;
  for (int r = 0; r < rows_; ++r) {
    const prof::ExpertLoadStats& st = h.rows[static_cast<size_t>(r)];
    const double mean = st.mean_load;
    const float y = g0.y + ch * static_cast<float>(r);
    int run_start = 0;
    ImU32 run_colour = 0;
    for (int e = 0; e <= cols_; ++e) {
      ImU32 c = 0;
      if (e < cols_) {
        const int64_t n = h.count(static_cast<size_t>(r), static_cast<size_t>(e));
        c = load_colour(mean > 0 ? static_cast<double>(n) / mean : 0);
      }
      if (e > 0 && (gaps || e == cols_ || c != run_colour)) {
        const float x0 = g0.x + cw * static_cast<float>(run_start);
        const float x1 = g0.x + cw * static_cast<float>(e);
        // Without gaps an expert that got no token is left white (the cleared background): a
        // software rasteriser pays for every pixel drawn, and most cells of a step are empty.
        if (gaps || run_colour != kEmpty)
          dl->AddRectFilled(ImVec2(x0, y), ImVec2(x1 - gap, y + ch - gap), run_colour);
        run_start = e;
      }
      if (e == 0 || gaps || c != run_colour) run_colour = c;
    }
    if (r % label_every == 0)
      dl->AddText(ImVec2(origin.x, y), kMutedInk,
                  layer_label(h.layers[static_cast<size_t>(r)], s.n_layers).c_str());
  }
  if (!gaps)
    dl->AddRect(ImVec2(g0.x - 1, g0.y - 1), ImVec2(g0.x + grid_.w + 1, g0.y + grid_.h + 1),
                kGridInk);
  ImGui::Dummy(avail);
  const ImVec2 m = ImGui::GetIO().MousePos;
  if (m.x >= g0.x && m.y >= g0.y && m.x < g0.x + grid_.w && m.y < g0.y + grid_.h) {
    const int e = std::min(cols_ - 1, static_cast<int>((m.x - g0.x) / cw));
    const int r = std::min(rows_ - 1, static_cast<int>((m.y - g0.y) / ch));
    const prof::ExpertLoadStats& st = h.rows[static_cast<size_t>(r)];
    ImGui::BeginTooltip();
    ImGui::Text("%s, expert %d: %lld tokens (mean %.1f)",
                layer_label(h.layers[static_cast<size_t>(r)], s.n_layers).c_str(), e,
                static_cast<long long>(h.count(static_cast<size_t>(r), static_cast<size_t>(e))),
                st.mean_load);
    ImGui::Text("layer: max/mean %.2f · CV %.3f · normalised entropy %.3f · dropped %lld",
                max_over_mean(st), st.cv, st.normalized_entropy,
                static_cast<long long>(st.dropped));
    ImGui::EndTooltip();
  }
}

}  // namespace archscope::studio
