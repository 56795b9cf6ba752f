#include "run_report/kernel_section.hpp"

#include <algorithm>
#include <climits>
#include <map>
#include <set>
#include <tuple>

#include "report/text_format.hpp"

namespace archscope::views {

namespace {

using Key = std::tuple<int64_t, int32_t, std::string>;  // step, layer, op

// "void ns::(anonymous namespace)::gemv<4>(ns::Params)" -> "gemv<4>": the return type, the
// parameter list and the namespaces say nothing a reader of one report needs.
std::string short_name(const std::string& name) {
  std::string s = name;
  if (s.rfind("void ", 0) == 0) s = s.substr(5);
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<') ++depth;
    if (s[i] == '>') --depth;
    if (s[i] == '(' && depth == 0 && s.compare(i, 20, "(anonymous namespace") != 0) {
      s = s.substr(0, i);
      break;
    }
  }
  for (const std::string prefix : {"(anonymous namespace)::", "archscope::cuda::", "archscope::"}) {
    for (size_t p; (p = s.find(prefix)) != std::string::npos;) s.erase(p, prefix.size());
  }
  return text::truncate(s, 72);
}

int64_t decode_steps(const ReportRun& run) {
  int64_t n = 0;
  for (const prof::StepRecord& s : run.records.steps) n += s.phase == prof::Phase::Decode;
  return n;
}

}  // namespace

std::vector<int64_t> exclusive_ns(const std::vector<prof::KernelRecord>& kernels) {
  std::map<int64_t, std::vector<size_t>> by_step;
  for (size_t i = 0; i < kernels.size(); ++i) by_step[kernels[i].step].push_back(i);
  std::vector<int64_t> out(kernels.size(), 0);
  for (auto& [step, idx] : by_step) {
    std::stable_sort(idx.begin(), idx.end(),
                     [&](size_t a, size_t b) { return kernels[a].start_ns < kernels[b].start_ns; });
    int64_t busy_until = INT64_MIN;
    for (size_t i : idx) {
      const int64_t end = kernels[i].start_ns + kernels[i].duration_ns;
      out[i] = std::max<int64_t>(0, end - std::max(kernels[i].start_ns, busy_until));
      busy_until = std::max(busy_until, end);
    }
  }
  return out;
}

std::vector<KernelStat> decode_kernel_stats(const ReportRun& run) {
  std::set<int64_t> decode;
  for (const prof::StepRecord& s : run.records.steps)
    if (s.phase == prof::Phase::Decode) decode.insert(s.step);
  std::map<Key, const prof::SpanRecord*> spans;
  for (const prof::SpanRecord& s : run.records.spans)
    if (s.phase == prof::Phase::Decode && !prof::is_other(s)) spans[{s.step, s.layer, s.op}] = &s;
  const std::vector<prof::KernelRecord>& kernels = run.records.kernels;
  const std::vector<int64_t> excl = exclusive_ns(kernels);
  // Device time of each op instance: the denominator of the split.
  std::map<Key, double> instance_seconds;
  for (size_t i = 0; i < kernels.size(); ++i) {
    const prof::KernelRecord& k = kernels[i];
    if (decode.count(k.step) && spans.count({k.step, k.layer, k.op}))
      instance_seconds[{k.step, k.layer, k.op}] += static_cast<double>(excl[i]) * 1e-9;
  }

  std::map<std::pair<std::string, std::string>, KernelStat> by_kernel;
  std::map<std::string, double> op_seconds;
  for (size_t i = 0; i < kernels.size(); ++i) {
    const prof::KernelRecord& k = kernels[i];
    const Key key{k.step, k.layer, k.op};
    auto span = spans.find(key);
    if (!decode.count(k.step) || span == spans.end()) continue;
    const double t = static_cast<double>(excl[i]) * 1e-9;
    const double total = instance_seconds[key];
    const double share = total > 0 ? t / total : 0;
    KernelStat& st = by_kernel[{k.op, k.name}];
    st.op = k.op;
    st.kernel = k.name;
    ++st.launches;
    st.seconds += t;
    st.charged_bytes += static_cast<double>(span->second->bytes) * share;
    st.charged_flops += static_cast<double>(span->second->flops) * share;
    op_seconds[k.op] += t;
  }
  std::vector<KernelStat> out;
  for (auto& [key, st] : by_kernel) {
    st.op_seconds = op_seconds[st.op];
    out.push_back(st);
  }
  std::stable_sort(out.begin(), out.end(), [](const KernelStat& a, const KernelStat& b) {
    if (a.op_seconds != b.op_seconds) return a.op_seconds > b.op_seconds;
    if (a.op != b.op) return a.op < b.op;
    return a.seconds > b.seconds;
  });
  return out;
}

TableData kernel_table(const ReportRun& run, size_t per_op) {
  TableData t;
  t.caption = "Top kernels per op, decode (per step: mean over " +
              std::to_string(decode_steps(run)) +
              " decode steps; GB/s and TFLOP/s against the plan's bytes and FLOPs of the op, split "
              "over its kernels by device time)";
  t.header = {"op", "kernel", "launches / step", "time / step", "share of op", "GB/s", "TFLOP/s"};
  t.align = "llrrrrr";
  const double steps = static_cast<double>(std::max<int64_t>(1, decode_steps(run)));
  std::map<std::string, size_t> shown;
  for (const KernelStat& k : decode_kernel_stats(run)) {
    if (shown[k.op]++ >= per_op) continue;
    const bool timed = k.seconds > 0;
    t.rows.push_back(
        {k.op, short_name(k.kernel), text::fixed(static_cast<double>(k.launches) / steps, 2),
         text::duration(k.seconds / steps),
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
    out.push_back({k.op + ": " + short_name(k.kernel), k.charged_flops,
                   static_cast<uint64_t>(k.charged_bytes + 0.5), k.seconds});
  }
  return out;
}

}  // namespace archscope::views
