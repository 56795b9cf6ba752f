// The live roofline of a run: each op kind of a phase as a measured point — the plan FLOPs of its
// spans over their plan bytes against the FLOP/s they achieved — next to the point the chosen
// hardware profile predicts for the same FLOPs and bytes (roofline time max(FLOPs / peak,
// bytes / bandwidth); Williams, Waterman and Patterson, "Roofline", CACM 2009). The measured sums
// cover the run's steps of that phase so far, so the points steady as the run goes. Drawn with
// the same chart model as the run report (views/charts/roofline_chart).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "charts/roofline_chart.hpp"
#include "events/events.hpp"
#include "plan/hardware.hpp"

namespace archscope::views::live {

struct KindTotals {
  double flops = 0;
  uint64_t bytes = 0;
  int64_t ns = 0;
};

class RooflineFold {
 public:
  void apply(const prof::Event& e);
  // (phase, op kind) -> sums over the spans seen, in kind order.
  const std::map<std::pair<prof::Phase, std::string>, KindTotals>& totals() const {
    return totals_;
  }

 private:
  std::map<std::pair<prof::Phase, std::string>, KindTotals> totals_;
};

// The run's compute dtype is its weights dtype ("bf16", "fp32"; an unknown name counts as bf16),
// taken to the profile's effective dtype (plan/hardware.hpp). Throws std::invalid_argument when
// the profile has no bandwidth or no supported peak (roofline_chart's rule).
charts::RooflineChart live_roofline(const RooflineFold& fold, prof::Phase phase,
                                    const HardwareProfile& hw, const std::string& weights_dtype);

}  // namespace archscope::views::live
