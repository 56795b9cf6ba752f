// The live roofline of a run: each op kind of a phase as a measured point — the plan FLOPs of its
// spans over their plan bytes against the FLOP/s they achieved — next to the point the chosen
// hardware profile predicts for the same FLOPs and bytes (roofline time max(FLOPs / peak,
// bytes / bandwidth); Williams, Waterman and Patterson, "Roofline", CACM 2009). The measured sums
// cover the run's steps of that phase so far, so the points steady as the run goes. Drawn with
// the same chart model as the run report (views/charts/roofline_chart).
//
// CUDA runs traced with CUPTI add kernel points: per kernel, the plan bytes and FLOPs of its op
// split over the op's kernels by exclusive device time — profiler/metrics/kernel_split, the same
// function as the run report's kernel section — summed over the steps of the phase seen so far.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "charts/roofline_chart.hpp"
#include "events/events.hpp"
#include "metrics/kernel_split.hpp"
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
  // Per phase, (op, kernel) -> the split summed over the finished steps; op_seconds is the op's
  // device time over the same steps.
  const std::map<prof::Phase, std::map<std::pair<std::string, std::string>, prof::KernelStat>>&
  kernels() const {
    return kernels_;
  }

 private:
  std::map<std::pair<prof::Phase, std::string>, KindTotals> totals_;
  // Records of the step under way: a step's SpanBatch and KernelBatch come before its
  // StepFinished (profiler/runner/profiled_run), which folds and clears them.
  std::vector<prof::SpanRecord> step_spans_;
  std::vector<prof::KernelRecord> step_kernels_;
  std::map<prof::Phase, std::map<std::pair<std::string, std::string>, prof::KernelStat>> kernels_;
};

// One measured kernel point of the live roofline.
struct KernelPoint {
  std::string op;
  std::string kernel;  // shortened (text::short_kernel_name)
  int64_t launches = 0;
  double seconds = 0;      // exclusive device time over the steps seen
  double flops = 0;        // charged plan FLOPs
  double bytes = 0;        // charged plan bytes
  double intensity = 0;    // FLOP/byte
  double flops_per_s = 0;  // achieved
  double bytes_per_s = 0;
};

// The `top` kernels of `phase` by time, largest first, that have FLOPs, bytes and time (points on
// log axes). Empty for runs without kernel records (CPU runs, CUDA runs without --cupti).
std::vector<KernelPoint> live_kernel_points(const RooflineFold& fold, prof::Phase phase,
                                            size_t top = 12);

// The line the roofline view shows in place of kernel points: "" when `phase` has some; the
// --cupti hint when the run has no kernel records at all (CPU runs, CUDA runs without CUPTI).
std::string kernel_points_note(const RooflineFold& fold, prof::Phase phase);

// The run's compute dtype is its weights dtype ("bf16", "fp32"; an unknown name counts as bf16),
// taken to the profile's effective dtype (plan/hardware.hpp). Throws std::invalid_argument when
// the profile has no bandwidth or no supported peak (roofline_chart's rule). The axes also cover
// the phase's kernel points (live_kernel_points), which are not among chart.points.
charts::RooflineChart live_roofline(const RooflineFold& fold, prof::Phase phase,
                                    const HardwareProfile& hw, const std::string& weights_dtype);

}  // namespace archscope::views::live
