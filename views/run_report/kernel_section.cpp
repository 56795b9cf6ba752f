#include "run_report/kernel_section.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "report/text_format.hpp"

namespace archscope::views {

namespace {

int64_t decode_steps(const ReportRun& run) {
  int64_t n = 0;
  for (const prof::StepRecord& s : run.records.steps) n += s.phase == prof::Phase::Decode;
  return n;
}

// Decode steps with kernel records: all of them, but in a sampled CUPTI run (`run --cupti-sample
// N`) the traced ones only, over which every per-step kernel figure is a mean.
int64_t traced_decode_steps(const ReportRun& run) {
  std::set<int64_t> decode, traced;
  for (const prof::StepRecord& s : run.records.steps)
    if (s.phase == prof::Phase::Decode) decode.insert(s.step);
  for (const prof::KernelRecord& k : run.records.kernels)
    if (decode.count(k.step)) traced.insert(k.step);
  return static_cast<int64_t>(traced.size());
}

}  // namespace

std::vector<KernelStat> decode_kernel_stats(const ReportRun& run) {
  std::vector<KernelStat> out =
      prof::kernel_stats(run.records.spans, run.records.kernels, prof::Phase::Decode);
  std::stable_sort(out.begin(), out.end(), [](const KernelStat& a, const KernelStat& b) {
    if (a.op_seconds != b.op_seconds) return a.op_seconds > b.op_seconds;
    if (a.op != b.op) return a.op < b.op;
    return a.seconds > b.seconds;
  });
  return out;
}

TableData kernel_table(const ReportRun& run, size_t per_op) {
  TableData t;
  const int64_t all = decode_steps(run), traced = traced_decode_steps(run);
  t.caption = "Top kernels per op, decode (per step: mean over " +
              (traced == all ? std::to_string(all) + " decode steps"
                             : "the kernel records from " + std::to_string(traced) + " of " +
                                   std::to_string(all) + " decode steps (sampled tracing)") +
              "; GB/s and TFLOP/s against the plan's bytes and FLOPs of the op, split "
              "over its kernels by device time)";
  t.header = {"op", "kernel", "launches / step", "time / step", "share of op", "GB/s", "TFLOP/s"};
  t.align = "llrrrrr";
  const double steps = static_cast<double>(std::max<int64_t>(1, traced));
  std::map<std::string, size_t> shown;
  for (const KernelStat& k : decode_kernel_stats(run)) {
    if (shown[k.op]++ >= per_op) continue;
    const bool timed = k.seconds > 0;
    t.rows.push_back(
        {k.op, text::short_kernel_name(k.kernel),
         text::fixed(static_cast<double>(k.launches) / steps, 2), text::duration(k.seconds / steps),
         k.op_seconds > 0 ? text::fixed(100.0 * k.seconds / k.op_seconds, 1) + "%" : "-",
         timed && k.charged_bytes > 0 ? text::fixed(k.charged_bytes / k.seconds * 1e-9, 1) : "-",
         timed && k.charged_flops > 0 ? text::fixed(k.charged_flops / k.seconds * 1e-12, 3) : "-"});
  }
  return t;
}

TableData device_memory_table(const ReportRun& run) {
  TableData t;
  t.caption = "Device memory after each step (" + std::to_string(run.records.step_memory.size()) +
              " steps)";
  t.header = {"", "last step", "max"};
  const auto& m = run.records.step_memory;
  if (m.empty()) return t;
  auto row = [&](const char* label, uint64_t prof::StepMemoryRecord::*field) {
    uint64_t mx = 0;
    for (const auto& r : m) mx = std::max(mx, r.*field);
    t.rows.push_back({label, text::binary_bytes(static_cast<double>(m.back().*field)),
                      text::binary_bytes(static_cast<double>(mx))});
  };
  row("allocator in use", &prof::StepMemoryRecord::allocator_in_use_bytes);
  row("allocator reserved", &prof::StepMemoryRecord::allocator_reserved_bytes);
  row("device used (cudaMemGetInfo, all processes)", &prof::StepMemoryRecord::device_used_bytes);
  row("device total", &prof::StepMemoryRecord::device_total_bytes);
  return t;
}

std::vector<charts::OpCost> kernel_roofline_costs(const ReportRun& run, size_t top) {
  std::vector<KernelStat> stats = decode_kernel_stats(run);
  std::stable_sort(stats.begin(), stats.end(),
                   [](const KernelStat& a, const KernelStat& b) { return a.seconds > b.seconds; });
  std::vector<charts::OpCost> out;
  for (const KernelStat& k : stats) {
    if (out.size() == top) break;
    if (!(k.charged_flops > 0) || !(k.charged_bytes > 0)) continue;  // not placeable on log axes
    out.push_back({k.op + ": " + text::short_kernel_name(k.kernel), k.charged_flops,
                   static_cast<uint64_t>(k.charged_bytes + 0.5), k.seconds});
  }
  return out;
}

}  // namespace archscope::views
