// The report's "Kernels" section for runs traced with CUPTI (docs/profiling.md, "Kernel records"):
// per op, its top kernels over the decode steps with the rate each achieves against the plan's
// bytes and FLOPs of that op, the device memory per step, and a roofline of the kernels.
// The split of an op's cost over its kernels and their exclusive time are
// profiler/metrics/kernel_split.hpp's, shared with the live roofline.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "charts/roofline_chart.hpp"
#include "metrics/kernel_split.hpp"
#include "run_report/report_tables.hpp"

namespace archscope::views {

using prof::exclusive_ns;
using prof::KernelStat;

// Decode-step activities attributed to an op, per (op, kernel), ops by their device time
// (largest first) and within an op kernels by time. Activities of layer -2 / op "other" (the
// readbacks no op launched) and of ops without a span in the same step are left out.
std::vector<KernelStat> decode_kernel_stats(const ReportRun& run);

// The top `per_op` kernels of each op: op, kernel, launches per decode step, µs per step, share of
// the op's device time, GB/s, TFLOP/s.
TableData kernel_table(const ReportRun& run, size_t per_op = 3);
// Device memory over the recorded steps: allocator in use and reserved, device used (last, max).
TableData device_memory_table(const ReportRun& run);
// Roofline points of the `top` kernels by time, labelled "op: kernel" (kernel names shortened).
std::vector<charts::OpCost> kernel_roofline_costs(const ReportRun& run, size_t top = 12);

}  // namespace archscope::views
