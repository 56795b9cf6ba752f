#include "plan/roofline.hpp"

namespace archscope {

const char* to_string(Bound b) { return b == Bound::Compute ? "compute" : "memory"; }

OpRoofline roofline(const Op& op, const HardwareProfile& hw) {
  OpRoofline r;
  r.dtype = effective_compute_dtype(hw, op.compute);
  r.compute_s = static_cast<double>(op.flops) / hw.peak(r.dtype);
  r.memory_s = static_cast<double>(op.bytes_read + op.bytes_written) / hw.memory_bandwidth;
  r.bound = r.compute_s > r.memory_s ? Bound::Compute : Bound::Memory;
  r.time_s = r.bound == Bound::Compute ? r.compute_s : r.memory_s;
  return r;
}

PlanRoofline roofline(const Plan& plan, const HardwareProfile& hw) {
  PlanRoofline p;
  plan.for_each_op([&](const Op& op) {
    const OpRoofline r = roofline(op, hw);
    p.compute_s += r.compute_s;
    p.memory_s += r.memory_s;
    p.time_s += r.time_s;
    (r.bound == Bound::Compute ? p.compute_bound_s : p.memory_bound_s) += r.time_s;
  });
  p.bound = p.compute_bound_s > p.memory_bound_s ? Bound::Compute : Bound::Memory;
  p.per_token_s = plan.rows > 0 ? p.time_s / static_cast<double>(plan.rows) : 0;
  return p;
}

}  // namespace archscope
