// The report's "Kernels" section for runs traced with CUPTI (docs/profiling.md, "Kernel records"):
// per op, its top kernels over the decode steps with the rate each achieves against the plan's
// bytes and FLOPs of that op, the device memory per step, and a roofline of the kernels.
//
// An op's plan bytes and FLOPs are split over the device activities the op launched in proportion
// to their device time: in one op instance with plan cost (B, F) and activities of durations t_k
// (sum T), activity k is charged B·t_k/T bytes and F·t_k/T FLOPs. Summed over the decode steps and
// layers, a kernel's GB/s is its charged bytes over its time; so the kernels of an op all show the
// op's own achieved rate when the op runs them in a fixed ratio, and the split only says how much
// of the op's time, and hence of its cost, each kernel carries. The plan does not say which of an
// op's kernels moves which bytes, and this split invents nothing beyond that.
//
// A kernel's time here is its exclusive time: the part of its CUPTI interval after every activity
// of the step that started before it has ended. With programmatic dependent launch a kernel starts
// while its predecessor drains and waits in griddepcontrol.wait; CUPTI's interval includes that
// wait (on bench-1b decode the raw durations sum to twice the step time), the exclusive times sum
// to the device's busy time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "charts/roofline_chart.hpp"
#include "run_report/report_tables.hpp"

namespace archscope::views {

struct KernelStat {
  std::string op;            // plan op name (over all layers)
  std::string kernel;        // activity name (demangled kernel; "memcpy DtoD"; "memset")
  int64_t launches = 0;      // over the decode steps
  double seconds = 0;        // device time over the decode steps
  double charged_bytes = 0;  // the op's plan bytes split by device time (above)
  double charged_flops = 0;
  double op_seconds = 0;  // device time of all activities of this op over the decode steps
};

// Decode-step activities attributed to an op, per (op, kernel), ops by their device time
// (largest first) and within an op kernels by time. Activities of layer -2 / op "other" (the
// readbacks no op launched) and of ops without a span in the same step are left out.
std::vector<KernelStat> decode_kernel_stats(const ReportRun& run);

// Exclusive time of each record (above), per step, in the records' order.
std::vector<int64_t> exclusive_ns(const std::vector<prof::KernelRecord>& kernels);

// The top `per_op` kernels of each op: op, kernel, launches per decode step, µs per step, share of
// the op's device time, GB/s, TFLOP/s.
TableData kernel_table(const ReportRun& run, size_t per_op = 3);
// Device memory over the recorded steps: allocator in use and reserved, device used (last, max).
TableData device_memory_table(const ReportRun& run);
// Roofline points of the `top` kernels by time, labelled "op: kernel" (kernel names shortened).
std::vector<charts::OpCost> kernel_roofline_costs(const ReportRun& run, size_t top = 12);

}  // namespace archscope::views
