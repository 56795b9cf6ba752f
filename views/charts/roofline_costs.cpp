// Grouping spans and plan ops into roofline costs (one group per op kind).
#include <algorithm>
#include <array>

#include "charts/roofline_chart.hpp"
#include "plan/roofline.hpp"

namespace archscope::charts {

namespace {

OpCost& group(std::vector<OpCost>& costs, const std::string& label) {
  auto it = std::find_if(costs.begin(), costs.end(), [&](const OpCost& c) { return c.label == label; });
  if (it != costs.end()) return *it;
  costs.push_back({label, 0, 0, 0});
  return costs.back();
}

}  // namespace

std::vector<OpCost> measured_costs_by_kind(const std::vector<prof::SpanRecord>& spans, prof::Phase phase) {
  std::vector<OpCost> costs;
  for (const prof::SpanRecord& s : spans) {
    if (s.phase != phase || prof::is_other(s)) continue;  // no FLOPs or bytes: no roofline point
    OpCost& c = group(costs, s.kind);
    c.flops += s.flops;
    c.bytes += s.bytes;
    c.seconds += static_cast<double>(s.duration_ns) * 1e-9;
  }
  return costs;
}

std::vector<OpCost> predicted_costs_by_kind(const Plan& plan, const HardwareProfile& hw) {
  std::vector<OpCost> costs;
  plan.for_each_op([&](const Op& op) {
    OpCost& c = group(costs, to_string(op.kind));
    c.flops += op.flops;
    c.bytes += op.bytes_read + op.bytes_written;
    c.seconds += roofline(op, hw).time_s;
  });
  return costs;
}

DType dominant_compute_dtype(const Plan& plan, const HardwareProfile& hw) {
  std::array<double, kDTypeCount> flops{};
  plan.for_each_op([&](const Op& op) {
    flops[static_cast<size_t>(effective_compute_dtype(hw, op.compute))] += static_cast<double>(op.flops);
  });
  return static_cast<DType>(std::max_element(flops.begin(), flops.end()) - flops.begin());
}

}  // namespace archscope::charts
