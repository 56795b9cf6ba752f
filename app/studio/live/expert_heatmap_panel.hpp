// Live view: expert load as a MoE layers × experts heatmap — the latest step or summed over the
// run — one quad per cell (imgui_impl_vulkan 1.86 has no user textures), coloured by the cell's
// load against its layer's mean, with the imbalance figures (views/live/expert_heatmap) above and
// each cell's figures on hover. Sized for 94 layers × 128+ experts.
#pragma once

#include <imgui.h>

#include "live/expert_heatmap.hpp"
#include "live/live_panel.hpp"

namespace archscope::studio {

class ExpertHeatmapPanel : public LivePanel {
 public:
  struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
  };
  using LivePanel::LivePanel;

  bool cumulative() const { return cumulative_; }
  void set_cumulative(bool c) { cumulative_ = c; }
  size_t factor_index() const { return factor_; }
  // What the last frame drew: rows × columns of cells and the grid's rectangle (logical pixels),
  // and where the "Per step" / "Cumulative" buttons were (click-through tests).
  int rows_drawn() const { return rows_; }
  int columns_drawn() const { return cols_; }
  Rect grid_rect() const { return grid_; }
  const std::vector<Rect>& button_rects() const { return buttons_; }

 protected:
  void draw_body() override;
  const char* view_id() const override { return "live-experts"; }

 private:
  bool cumulative_ = false;
  size_t factor_ = 1;  // kCapacityFactors[1] = 1.25
  int rows_ = 0, cols_ = 0;
  Rect grid_;
  std::vector<Rect> buttons_;
};

// The heatmap's colour of a cell whose load is `relative` × its layer's mean (0 = no tokens,
// 1 = even, >= 3 = hottest): pale through blue to red, never the window's background
// that shows between cells.
ImU32 load_colour(double relative);

}  // namespace archscope::studio
