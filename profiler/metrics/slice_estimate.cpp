#include "metrics/slice_estimate.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "metrics/run_summary.hpp"

namespace archscope::prof {

namespace {

double ms(double ns) {
  return ns / 1e6;
}

}  // namespace

SliceEstimate estimate_slice(int64_t first, int64_t last, int64_t n_layers,
                             const std::vector<SliceClassInput>& classes,
                             const SlicePhaseInput& prefill, const SlicePhaseInput& decode) {
  SliceEstimate e;
  e.first = first;
  e.last = last;
  e.n_layers = n_layers;
  std::map<int64_t, size_t> class_of;
  for (size_t c = 0; c < classes.size(); ++c)
    for (int64_t l : classes[c].layers)
      if (!class_of.emplace(l, c).second)
        throw Error(ErrorKind::Internal, "slice estimate",
                    "layer " + std::to_string(l) + " in two classes");
  for (int64_t l = first; l <= last; ++l)
    if (!class_of.count(l))
      throw Error(ErrorKind::Internal, "slice estimate",
                  "slice layer " + std::to_string(l) + " has no class");

  auto phase = [&](const SlicePhaseInput& in, SlicePhaseEstimate& out, bool is_prefill) {
    out.units = in.units;
    if (in.units <= 0) return;
    const double units = static_cast<double>(in.units);
    const double timed_units = static_cast<double>(in.layer_units > 0 ? in.layer_units : in.units);
    double slice_ns = 0;
    std::vector<double> class_ns(classes.size(), 0.0);
    std::vector<int64_t> class_measured(classes.size(), 0);
    std::vector<double> class_fastest_ns(classes.size(), 0.0);
    for (const auto& [layer, ns] : in.layer_ns) {
      if (layer < first || layer > last) continue;
      slice_ns += static_cast<double>(ns);
      const size_t c = class_of.at(layer);
      class_ns[c] += static_cast<double>(ns);
      class_fastest_ns[c] = class_measured[c] == 0
                                ? static_cast<double>(ns)
                                : std::min(class_fastest_ns[c], static_cast<double>(ns));
      ++class_measured[c];
    }
    out.layers_timed = true;
    for (int64_t l = first; l <= last; ++l)
      out.layers_timed = out.layers_timed && in.layer_ns.count(static_cast<int32_t>(l)) > 0;
    out.measured_ms = ms(static_cast<double>(in.measured_ns)) / units;
    out.slice_layers_ms = ms(slice_ns) / timed_units;
    out.outside_layers_ms = out.measured_ms - out.slice_layers_ms;
    double whole_ms = out.measured_ms;
    double mean_rule_ms = out.outside_layers_ms;
    bool complete = true;
    for (size_t c = 0; c < classes.size(); ++c) {
      if (class_measured[c] == 0) {
        complete = false;
        continue;
      }
      const double fastest = ms(class_fastest_ns[c]) / timed_units;
      const double mean = ms(class_ns[c]) / timed_units / static_cast<double>(class_measured[c]);
      SliceClassEstimate& ce = e.classes[c];
      (is_prefill ? ce.prefill_ms_per_layer : ce.decode_ms_per_layer) = fastest;
      (is_prefill ? ce.prefill_mean_ms_per_layer : ce.decode_mean_ms_per_layer) = mean;
      const auto count = static_cast<int64_t>(classes[c].layers.size());
      whole_ms += static_cast<double>(count - class_measured[c]) * fastest;
      mean_rule_ms += static_cast<double>(count) * mean;
    }
    if (!complete || !out.layers_timed) return;
    out.estimate_ms = whole_ms;
    out.estimate_mean_ms = mean_rule_ms;
    if (whole_ms > 0)
      out.estimate_tokens_per_s = static_cast<double>(in.tokens) / units / (whole_ms / 1e3);
  };

  for (size_t c = 0; c < classes.size(); ++c) {
    SliceClassEstimate ce;
    ce.label = classes[c].label;
    ce.layers_in_model = static_cast<int64_t>(classes[c].layers.size());
    for (int64_t l : classes[c].layers)
      if (l >= first && l <= last) ce.measured_layers.push_back(l);
    if (ce.measured_layers.empty()) e.missing.push_back(ce.label);
    e.classes.push_back(std::move(ce));
  }
  phase(prefill, e.prefill, true);
  phase(decode, e.decode, false);
  return e;
}

std::map<int32_t, int64_t> layer_times_from_starts(const std::map<int32_t, int64_t>& starts,
                                                   int64_t first, int64_t last) {
  std::map<int32_t, int64_t> out;
  for (auto it = starts.begin(); it != starts.end(); ++it) {
    if (it->first < first || it->first > last) continue;
    const auto next = std::next(it);
    if (next == starts.end()) continue;
    out[it->first] = next->second - it->second;
  }
  return out;
}

void slice_phase_inputs(const std::vector<StepRecord>& steps, const std::vector<SpanRecord>& spans,
                        int64_t first, int64_t last, int64_t /*n_layers*/, SlicePhaseInput& prefill,
                        SlicePhaseInput& decode) {
  prefill = {};
  decode = {};
  // Each step's first-op start per layer (spans of a step come in execution order, but a store
  // may hand them back grouped: take the minimum).
  std::map<int64_t, std::map<int32_t, int64_t>> starts;
  for (const SpanRecord& s : spans) {
    if (is_other(s)) continue;
    auto& m = starts[s.step];
    const auto it = m.find(s.layer);
    if (it == m.end() || s.start_ns < it->second) m[s.layer] = s.start_ns;
  }
  for (const PassRange& p : passes_of(steps)) {
    bool had_prefill = false;
    for (size_t i = p.begin; i < p.end; ++i) {
      const StepRecord& st = steps[i];
      SlicePhaseInput& in = st.phase == Phase::Prefill ? prefill : decode;
      if (st.phase == Phase::Prefill) {
        had_prefill = true;
      } else {
        ++decode.units;
      }
      in.tokens += st.tokens;
      in.measured_ns += st.duration_ns;
      if (const auto it = starts.find(st.step); it != starts.end()) {
        for (const auto& [layer, ns] : layer_times_from_starts(it->second, first, last))
          in.layer_ns[layer] += ns;
        if (st.phase == Phase::Decode) ++decode.layer_units;  // a traced step
      }
    }
    if (had_prefill) ++prefill.units;
  }
  prefill.layer_units = prefill.units;  // prefill steps are always traced
}

}  // namespace archscope::prof
