// The split of an op's plan cost over the device activities it launched (CUPTI kernel records,
// docs/profiling.md "Kernel records"), shared by the run report's kernel section and the live
// roofline's kernel points, so both show the same figures for the same records.
//
// An op's plan bytes and FLOPs are split over the device activities the op launched in proportion
// to their device time: in one op instance with plan cost (B, F) and activities of durations t_k
// (sum T), activity k is charged B·t_k/T bytes and F·t_k/T FLOPs. Summed over steps and layers, a
// kernel's GB/s is its charged bytes over its time; so the kernels of an op all show the op's own
// achieved rate when the op runs them in a fixed ratio, and the split only says how much of the
// op's time, and hence of its cost, each kernel carries. The plan does not say which of an op's
// kernels moves which bytes, and this split invents nothing beyond that.
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

#include "model/kernel_records.hpp"
#include "model/run_records.hpp"

namespace archscope::prof {

struct KernelStat {
  std::string op;            // plan op name (over all layers)
  std::string kernel;        // activity name (demangled kernel; "memcpy DtoD"; "memset")
  int64_t launches = 0;      // over the steps of the phase
  double seconds = 0;        // exclusive device time over those steps
  double charged_bytes = 0;  // the op's plan bytes split by device time (above)
  double charged_flops = 0;
  double op_seconds = 0;  // device time of all activities of this op over those steps
};

// Exclusive time of each record (above), per step, in the records' order.
std::vector<int64_t> exclusive_ns(const std::vector<KernelRecord>& kernels);

// Activities of `phase` attributed to an op with a span of that phase in the same step, per
// (op, kernel) in (op, kernel) order. Activities of layer -2 / op "other" (the readbacks no op
// launched) and of ops without a span in the same step are left out.
std::vector<KernelStat> kernel_stats(const std::vector<SpanRecord>& spans,
                                     const std::vector<KernelRecord>& kernels, Phase phase);

}  // namespace archscope::prof
