// Roofline: attainable FLOP/s = min(peak, bandwidth × intensity) on log-log axes of arithmetic
// intensity (FLOP/byte) and FLOP/s, with measured points (from spans: FLOPs / duration at
// FLOPs / bytes) next to the plan's predicted ones (FLOPs / roofline time), one per op kind.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "charts/axis.hpp"
#include "charts/line_chart.hpp"
#include "model/run_records.hpp"
#include "plan/hardware.hpp"
#include "plan/plan.hpp"

namespace archscope::charts {

// FLOPs, bytes and time of one group of ops (an op kind, or a single op).
struct OpCost {
  std::string label;
  double flops = 0;  // a plotted figure: plan FLOPs may pass 2^64 at long contexts
  uint64_t bytes = 0;
  double seconds = 0;
};

// Spans of one phase summed per op kind, in first-seen order.
std::vector<OpCost> measured_costs_by_kind(const std::vector<prof::SpanRecord>& spans, prof::Phase phase);
// The plan's ops summed per op kind; seconds is the roofline estimate on `hw`.
std::vector<OpCost> predicted_costs_by_kind(const Plan& plan, const HardwareProfile& hw);

struct RooflinePoint {
  std::string label;
  bool predicted = false;
  int colour = 0;  // kind_colour(label)
  double intensity = 0;    // FLOP/byte
  double flops_per_s = 0;  // achieved (measured) or attainable (predicted)
  double seconds = 0;
};

struct RooflineChart {
  std::string title;
  double peak_flops = 0;  // FLOP/s
  double bandwidth = 0;   // bytes/s
  double ridge = 0;       // FLOP/byte where the slope meets the ceiling
  std::string ceiling_label;  // "bf16 peak 989.40 TFLOP/s"
  std::string slope_label;    // "3.35 TB/s"
  Axis x;  // log, FLOP/byte
  Axis y;  // log, FLOP/s
  std::vector<Point> roof;  // polyline clipped to the axes: slope, ridge, ceiling
  std::vector<RooflinePoint> points;  // measured first, then predicted
  std::vector<std::string> skipped;   // groups with no FLOPs, bytes or time (not placeable on log axes)
};

// Points come from the costs; groups with zero FLOPs, bytes or time are listed in `skipped`.
// Throws std::invalid_argument unless peak_flops and bandwidth are positive.
RooflineChart roofline_chart(const std::string& title, double peak_flops, double bandwidth,
                             const std::string& peak_dtype, const std::vector<OpCost>& measured,
                             const std::vector<OpCost>& predicted);

// The compute dtype carrying most of the plan's FLOPs, mapped through the hardware's fallback:
// the ceiling a run mostly works against.
DType dominant_compute_dtype(const Plan& plan, const HardwareProfile& hw);

}  // namespace archscope::charts
