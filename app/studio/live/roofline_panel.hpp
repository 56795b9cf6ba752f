// Live view: the roofline of the run so far — each op kind's measured point (filled) next to what
// the chosen hardware profile predicts for the same plan FLOPs and bytes (hollow), on log-log
// axes with the profile's roof (views/live/roofline_points), and on CUDA runs traced with CUPTI
// the top kernels by time (ink diamonds; views/live/live_kernel_points). Prefill or decode, and the
// profile, are picked in the view; by default the profile of the run's device kind (cpu-generic for
// the CPU).
#pragma once

#include <vector>

#include "live/live_panel.hpp"
#include "plan/hardware.hpp"

namespace archscope::studio {

class RooflinePanel : public LivePanel {
 public:
  RooflinePanel(const LiveRun& run, std::vector<HardwareProfile> profiles);
  void select_hardware(const std::string& name);
  const HardwareProfile* hardware() const;
  size_t points_drawn() const { return points_; }
  size_t kernel_points_drawn() const { return kernel_points_; }

 protected:
  void draw_body() override;
  const char* view_id() const override { return "live-roofline"; }

 private:
  std::vector<HardwareProfile> profiles_;
  int selected_ = -1;
  bool user_chose_ = false;
  bool decode_ = true;
  size_t points_ = 0;
  size_t kernel_points_ = 0;
};

}  // namespace archscope::studio
