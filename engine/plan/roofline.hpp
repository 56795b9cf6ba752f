// Roofline estimate: an op takes max(FLOPs / peak, bytes / bandwidth), the peak taken at the op's
// compute dtype (with the hardware's fallback to a wider dtype). A plan's time is the sum over its
// ops (no overlap between ops), and its bound is whichever kind of op accounts for more of it.
#pragma once

#include "plan/hardware.hpp"
#include "plan/plan.hpp"

namespace archscope {

enum class Bound { Compute, Memory };
const char* to_string(Bound b);  // "compute", "memory"

struct OpRoofline {
  double compute_s = 0;
  double memory_s = 0;
  double time_s = 0;  // max of the two
  Bound bound = Bound::Memory;
  DType dtype = DType::BF16;  // dtype whose peak was used
};
OpRoofline roofline(const Op& op, const HardwareProfile& hw);

struct PlanRoofline {
  double compute_s = 0;        // Σ FLOPs / peak
  double memory_s = 0;         // Σ bytes / bandwidth
  double time_s = 0;           // Σ per-op max
  double compute_bound_s = 0;  // part of time_s spent in compute-bound ops
  double memory_bound_s = 0;
  Bound bound = Bound::Memory;
  double per_token_s = 0;  // time_s / plan rows
};
PlanRoofline roofline(const Plan& plan, const HardwareProfile& hw);

}  // namespace archscope
