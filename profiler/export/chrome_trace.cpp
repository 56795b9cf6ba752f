#include "export/chrome_trace.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <ostream>
#include <set>

#include "common/error.hpp"
#include "metrics/span_rate.hpp"

namespace archscope::prof {

using nlohmann::json;

namespace {

constexpr int kPid = 1;
constexpr int kStepsTid = 0;

// Layer -1 (prologue) is track 1, so tracks sort in execution order; the steps' `other` spans
// (time outside every op) get a track of their own after the last layer.
constexpr int kOtherTid = 1 << 20;
// The device's own timeline (CUPTI kernel records) below all op tracks.
constexpr int kGpuTid = kOtherTid + 1;
int layer_tid(int32_t layer) {
  return layer == kStepLayer ? kOtherTid : layer + 2;
}

double us(int64_t ns) {
  return static_cast<double>(ns) / 1000.0;
}

// n_layers from the archscope.model/1 config, when the run recorded one.
std::optional<int64_t> config_layers(const std::string& config_json) {
  const json j = json::parse(config_json, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    auto it = j.find("n_layers");
    if (it != j.end() && it->is_number_integer()) return it->get<int64_t>();
  }
  return std::nullopt;
}

std::string track_name(int32_t layer, std::optional<int64_t> n_layers) {
  if (layer == kStepLayer) return "outside ops";
  if (layer < 0) return "prologue";
  if (n_layers && layer == *n_layers) return "epilogue";
  return "layer " + std::to_string(layer);
}

json metadata(const char* name, int tid, json args) {
  return {{"name", name}, {"ph", "M"}, {"pid", kPid}, {"tid", tid}, {"args", std::move(args)}};
}

void name_track(json& events, int tid, const std::string& name) {
  events.push_back(metadata("thread_name", tid, {{"name", name}}));
  events.push_back(metadata("thread_sort_index", tid, {{"sort_index", tid}}));
}

void check_times(int64_t start_ns, int64_t duration_ns, const std::string& where) {
  if (start_ns < 0) throw Error(ErrorKind::Validation, where + ".start_ns", "negative");
  if (duration_ns < 0) throw Error(ErrorKind::Validation, where + ".duration_ns", "negative");
}

template <class T>
std::vector<size_t> order_by_start(const std::vector<T>& records) {
  std::vector<size_t> idx(records.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(),
                   [&](size_t a, size_t b) { return records[a].start_ns < records[b].start_ns; });
  return idx;
}

json other_data(const RunInfo& r) {
  return {{"run_id", std::to_string(r.id)},
          {"name", r.name},
          {"model", r.model},
          {"backend", r.backend},
          {"device", r.device},
          {"weights_dtype", r.weights_dtype},
          {"kv_dtype", r.kv_dtype},
          {"batch", std::to_string(r.batch)},
          {"prompt_tokens", std::to_string(r.prompt_tokens)},
          {"new_tokens", std::to_string(r.new_tokens)},
          {"threads", std::to_string(r.threads)},
          {"started_at", r.started_at},
          {"finished_at", r.finished_at},
          {"status", to_string(r.status)},
          {"failure", r.failure},
          {"archscope_version", r.version},
          {"git_revision", r.git_revision}};
}

}  // namespace

json chrome_trace(const RunData& data) {
  const std::optional<int64_t> n_layers = config_layers(data.run.config_json);
  json events = json::array();

  events.push_back(metadata("process_name", 0, {{"name", "archscope: " + data.run.name}}));
  name_track(events, kStepsTid, "steps");
  std::set<int32_t> layers;
  for (const SpanRecord& s : data.spans) layers.insert(s.layer);
  for (int32_t layer : layers) name_track(events, layer_tid(layer), track_name(layer, n_layers));
  if (!data.kernels.empty()) name_track(events, kGpuTid, "GPU (kernels, copies)");

  for (size_t i : order_by_start(data.steps)) {
    const StepRecord& st = data.steps[i];
    check_times(st.start_ns, st.duration_ns, "steps[" + std::to_string(i) + "]");
    const std::string name =
        st.phase == Phase::Prefill ? "prefill" : "decode " + std::to_string(st.step);
    events.push_back({{"name", name},
                      {"cat", "step"},
                      {"ph", "X"},
                      {"ts", us(st.start_ns)},
                      {"dur", us(st.duration_ns)},
                      {"pid", kPid},
                      {"tid", kStepsTid},
                      {"args",
                       {{"step", st.step},
                        {"phase", to_string(st.phase)},
                        {"tokens", st.tokens},
                        {"context_tokens", st.context_tokens}}}});
  }

  // Spans are sorted by start over all tracks, hence in ts order within each track.
  for (size_t i : order_by_start(data.spans)) {
    const SpanRecord& s = data.spans[i];
    check_times(s.start_ns, s.duration_ns, "spans[" + std::to_string(i) + "]");
    const SpanRate r = span_rate(s);
    events.push_back({{"name", s.op},
                      {"cat", s.kind},
                      {"ph", "X"},
                      {"ts", us(s.start_ns)},
                      {"dur", us(s.duration_ns)},
                      {"pid", kPid},
                      {"tid", layer_tid(s.layer)},
                      {"args",
                       {{"step", s.step},
                        {"phase", to_string(s.phase)},
                        {"layer", s.layer},
                        {"op", s.op},
                        {"flops", s.flops},
                        {"bytes", s.bytes},
                        {"gflop_per_s", r.gflop_per_s},
                        {"gb_per_s", r.gb_per_s}}}});
  }

  for (size_t i : order_by_start(data.kernels)) {
    const KernelRecord& k = data.kernels[i];
    check_times(k.start_ns, k.duration_ns, "kernels[" + std::to_string(i) + "]");
    json args = {{"step", k.step}, {"layer", k.layer}, {"op", k.op}, {"kind", to_string(k.kind)}};
    if (k.kind == ActivityKind::Kernel) {
      args["grid"] = {k.grid[0], k.grid[1], k.grid[2]};
      args["block"] = {k.block[0], k.block[1], k.block[2]};
      args["registers"] = k.registers;
      args["shared_bytes"] = k.shared_bytes;
    } else {
      args["bytes"] = k.bytes;
    }
    events.push_back({{"name", k.name},
                      {"cat", to_string(k.kind)},
                      {"ph", "X"},
                      {"ts", us(k.start_ns)},
                      {"dur", us(k.duration_ns)},
                      {"pid", kPid},
                      {"tid", kGpuTid},
                      {"args", std::move(args)}});
  }
  // Device memory after each step, on the step's end like the KV samples.
  for (const StepMemoryRecord& m : data.step_memory) {
    auto st = std::find_if(data.steps.begin(), data.steps.end(),
                           [&](const StepRecord& s) { return s.step == m.step; });
    if (st == data.steps.end()) continue;
    events.push_back({{"name", "device_memory"},
                      {"ph", "C"},
                      {"ts", us(st->start_ns + st->duration_ns)},
                      {"pid", kPid},
                      {"tid", kStepsTid},
                      {"args",
                       {{"allocator_in_use_bytes", m.allocator_in_use_bytes},
                        {"allocator_reserved_bytes", m.allocator_reserved_bytes},
                        {"device_used_bytes", m.device_used_bytes}}}});
  }

  // KV samples are taken at the end of each step, so that is where the counter changes.
  std::vector<size_t> by_end(data.steps.size());
  for (size_t i = 0; i < by_end.size(); ++i) by_end[i] = i;
  std::stable_sort(by_end.begin(), by_end.end(), [&](size_t a, size_t b) {
    return data.steps[a].start_ns + data.steps[a].duration_ns <
           data.steps[b].start_ns + data.steps[b].duration_ns;
  });
  std::set<std::string> kinds;
  for (const StepRecord& st : data.steps)
    for (const auto& [kind, bytes] : st.kv_used_by_kind) kinds.insert(kind);
  for (size_t i : by_end) {
    const StepRecord& st = data.steps[i];
    const double ts = us(st.start_ns + st.duration_ns);
    events.push_back(
        {{"name", "kv_cache"},
         {"ph", "C"},
         {"ts", ts},
         {"pid", kPid},
         {"tid", kStepsTid},
         {"args", {{"used_bytes", st.kv_used_bytes}, {"allocated_bytes", st.kv_allocated_bytes}}}});
    if (kinds.empty()) continue;
    // Every series in every sample: a kind missing from one step is 0 there, not "unchanged".
    json by_kind = json::object();
    for (const std::string& kind : kinds) {
      auto it = st.kv_used_by_kind.find(kind);
      by_kind[kind] = it == st.kv_used_by_kind.end() ? 0 : it->second;
    }
    events.push_back({{"name", "kv_used_by_kind"},
                      {"ph", "C"},
                      {"ts", ts},
                      {"pid", kPid},
                      {"tid", kStepsTid},
                      {"args", std::move(by_kind)}});
  }

  return {{"traceEvents", std::move(events)},
          {"displayTimeUnit", "ms"},
          {"otherData", other_data(data.run)}};
}

void write_chrome_trace(std::ostream& out, const RunData& data) {
  out << chrome_trace(data).dump() << '\n';
  if (!out) throw Error(ErrorKind::System, "chrome trace export", "write failed");
}

}  // namespace archscope::prof
