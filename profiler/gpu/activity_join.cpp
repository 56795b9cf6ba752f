#include "gpu/activity_join.hpp"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace archscope::prof::gpu {

uint64_t tag_of(const RawActivity& a,
                const std::unordered_map<uint32_t, ExternalCorrelation>& launch,
                const std::unordered_map<uint32_t, ExternalCorrelation>& window,
                const GraphNodeTags& nodes) {
  if (a.graph_node_id != 0) {
    auto it = nodes.node_tag.find(a.graph_node_id);
    if (it != nodes.node_tag.end()) return it->second;
    auto c = nodes.clone_of.find(a.graph_node_id);
    if (c == nodes.clone_of.end()) return 0;
    it = nodes.node_tag.find(c->second);
    return it != nodes.node_tag.end() ? it->second : 0;
  }
  if (auto it = launch.find(a.correlation_id); it != launch.end()) return it->second.tag;
  if (auto it = window.find(a.correlation_id); it != window.end()) return it->second.tag;
  return 0;
}

JoinedStep join_step(int64_t step, std::span<const RawActivity> activities,
                     std::span<const ExternalCorrelation> correlations, const GraphNodeTags& nodes,
                     std::span<const OpIdent> ops, int64_t step_start_ns) {
  std::unordered_map<uint32_t, ExternalCorrelation> launch, window;
  for (const ExternalCorrelation& c : correlations)
    (c.kind == CorrelationKind::Launch ? launch : window)[c.correlation_id] = c;

  std::vector<const RawActivity*> order;
  order.reserve(activities.size());
  for (const RawActivity& a : activities) order.push_back(&a);
  std::stable_sort(order.begin(), order.end(),
                   [](const RawActivity* x, const RawActivity* y) { return x->start < y->start; });
  const uint64_t t0 = order.empty() ? 0 : order.front()->start;

  JoinedStep out;
  out.ops.assign(ops.size(), OpGpuTime{});
  std::vector<int64_t> first(ops.size(), INT64_MAX), last(ops.size(), INT64_MIN);
  for (const RawActivity* a : order) {
    KernelRecord k;
    k.step = step;
    k.kind = a->kind;
    k.name = a->kind == ActivityKind::Kernel ? demangle(a->name) : a->name;
    std::copy(a->grid, a->grid + 3, k.grid);
    std::copy(a->block, a->block + 3, k.block);
    k.registers = a->registers;
    k.shared_bytes = a->shared_bytes;
    k.start_ns = step_start_ns + static_cast<int64_t>(a->start - t0);
    k.duration_ns = a->end > a->start ? static_cast<int64_t>(a->end - a->start) : 0;
    k.bytes = a->bytes;
    const uint64_t tag = tag_of(*a, launch, window, nodes);
    if (tag >= 1 && tag <= ops.size()) {
      const size_t i = static_cast<size_t>(tag - 1);
      k.layer = ops[i].layer;
      k.op = ops[i].op;
      first[i] = std::min(first[i], k.start_ns);
      last[i] = std::max(last[i], k.start_ns + k.duration_ns);
      ++out.ops[i].activities;
    } else if (a->kind == ActivityKind::Kernel) {
      ++out.unattributed_kernels;
    }
    out.kernels.push_back(std::move(k));
  }
  int64_t prev_end = step_start_ns;
  for (size_t i = 0; i < ops.size(); ++i) {
    OpGpuTime& t = out.ops[i];
    if (t.activities == 0) {
      t.start_ns = prev_end;
      continue;
    }
    t.start_ns = std::max(first[i], prev_end);
    t.duration_ns = std::max<int64_t>(0, last[i] - t.start_ns);
    prev_end = t.start_ns + t.duration_ns;
    out.ops_total_ns += t.duration_ns;
  }
  return out;
}

std::string demangle(const std::string& name) {
  if (name.rfind("_Z", 0) != 0) return name;
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> d(
      abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status), std::free);
  return status == 0 && d ? std::string(d.get()) : name;
}

}  // namespace archscope::prof::gpu
