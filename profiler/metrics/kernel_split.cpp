#include "metrics/kernel_split.hpp"

#include <algorithm>
#include <climits>
#include <map>
#include <tuple>

namespace archscope::prof {

namespace {

using Key = std::tuple<int64_t, int32_t, std::string>;  // step, layer, op

}  // namespace

std::vector<int64_t> exclusive_ns(const std::vector<KernelRecord>& kernels) {
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

std::vector<KernelStat> kernel_stats(const std::vector<SpanRecord>& spans,
                                     const std::vector<KernelRecord>& kernels, Phase phase) {
  std::map<Key, const SpanRecord*> by_instance;
  for (const SpanRecord& s : spans)
    if (s.phase == phase && !is_other(s)) by_instance[{s.step, s.layer, s.op}] = &s;
  const std::vector<int64_t> excl = exclusive_ns(kernels);
  // Device time of each op instance: the denominator of the split.
  std::map<Key, double> instance_seconds;
  for (size_t i = 0; i < kernels.size(); ++i) {
    const KernelRecord& k = kernels[i];
    if (by_instance.count({k.step, k.layer, k.op}))
      instance_seconds[{k.step, k.layer, k.op}] += static_cast<double>(excl[i]) * 1e-9;
  }

  std::map<std::pair<std::string, std::string>, KernelStat> by_kernel;
  std::map<std::string, double> op_seconds;
  for (size_t i = 0; i < kernels.size(); ++i) {
    const KernelRecord& k = kernels[i];
    const Key key{k.step, k.layer, k.op};
    auto span = by_instance.find(key);
    if (span == by_instance.end()) continue;
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
  return out;
}

}  // namespace archscope::prof
