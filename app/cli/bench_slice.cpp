#include "cli/bench_slice.hpp"

#include <algorithm>
#include <map>

#include "common/error.hpp"
#include "report/text_format.hpp"
#include "run_report/run_slice.hpp"

namespace archscope::cli {

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// One repeat's phases: its prefill (every sequence's prefill pass) is one unit, each decode
// step one unit; the wall times are generate_tokens' own.
void phase_inputs(const GenerationResult& g, const std::vector<prof::ForwardLayerTimes>& passes,
                  int64_t first, int64_t last, prof::SlicePhaseInput& prefill,
                  prof::SlicePhaseInput& decode) {
  prefill = {};
  decode = {};
  prefill.units = 1;
  prefill.tokens = g.prefill_tokens;
  prefill.measured_ns = static_cast<int64_t>(g.prefill_s * 1e9);
  decode.units = g.decode_steps;
  decode.tokens = g.decode_tokens;
  decode.measured_ns = static_cast<int64_t>(g.decode_s * 1e9);
  const size_t prefill_passes = g.generated.size();  // one per sequence
  if (passes.size() != prefill_passes + static_cast<size_t>(g.decode_steps))
    throw Error(ErrorKind::Internal, "bench --layers",
                "timed " + std::to_string(passes.size()) + " forward passes, the generation ran " +
                    std::to_string(prefill_passes + static_cast<size_t>(g.decode_steps)));
  for (size_t i = 0; i < passes.size(); ++i) {
    prof::SlicePhaseInput& in = i < prefill_passes ? prefill : decode;
    for (const auto& [layer, ns] : passes[i].layer_ns)
      if (layer >= first && layer <= last) in.layer_ns[layer] += ns;
  }
}

// " (repeats a..b)" over a per-repeat array, or "" for one repeat.
std::string spread(const nlohmann::json& values, int decimals) {
  if (!values.is_array() || values.size() < 2) return "";
  double lo = values[0].get<double>(), hi = lo;
  for (const auto& v : values)
    lo = std::min(lo, v.get<double>()), hi = std::max(hi, v.get<double>());
  return " (repeats " + text::fixed(lo, decimals) + ".." + text::fixed(hi, decimals) + ")";
}

// Per layer (-1 the prologue, n_layers the epilogue), the median over repeats of its mean time in
// ms per unit of the phase (prefill: per pass of all sequences; decode: per step), as JSON
// {"layer": ms}: the slice's layers beside the whole model's show whether the slice's layers
// stand for the others (docs/performance.md, "Layer-slice extrapolation check").
nlohmann::json layer_medians(const Generations& g, bool prefill) {
  std::map<int32_t, std::vector<double>> per_repeat;
  for (size_t r = 0; r < g.runs.size(); ++r) {
    const size_t prefill_passes = g.runs[r].generated.size();
    std::map<int32_t, double> sum;
    double units = 0;
    for (size_t i = 0; i < g.layer_times[r].size(); ++i) {
      if ((i < prefill_passes) != prefill) continue;
      for (const auto& [layer, ns] : g.layer_times[r][i].layer_ns) sum[layer] += ns / 1e6;
      if (!prefill) units += 1;
    }
    if (prefill) units = 1;  // every sequence's prefill pass is one unit
    if (units == 0) continue;
    for (const auto& [layer, total] : sum) per_repeat[layer].push_back(total / units);
  }
  nlohmann::json out = nlohmann::json::object();
  for (auto& [layer, v] : per_repeat) out[std::to_string(layer)] = median(std::move(v));
  return out;
}

// "layer 0 0.210, layer 1 0.198, layers 2..31 mean 0.197 (0.195..0.201)" over the model's layers
// in `ms` (the prologue and epilogue left out).
std::string layer_line(const nlohmann::json& ms, int64_t n_layers, int64_t first, int64_t last) {
  std::string line;
  double sum = 0, lo = 0, hi = 0;
  int64_t rest = 0, rest_first = -1, rest_last = -1;
  for (int64_t l = 0; l < n_layers; ++l) {
    const std::string key = std::to_string(l);
    if (!ms.contains(key)) continue;
    const double v = ms[key].get<double>();
    if (l >= first && l <= last) {
      line += (line.empty() ? "" : ", ") + std::string("layer ") + key + " " + text::fixed(v, 3);
      continue;
    }
    if (rest == 0) lo = hi = v, rest_first = l;
    lo = std::min(lo, v), hi = std::max(hi, v);
    sum += v, ++rest, rest_last = l;
  }
  if (rest > 0)
    line += (line.empty() ? "" : ", ") + std::string("other layers (") +
            std::to_string(rest_first) + ".." + std::to_string(rest_last) + ") mean " +
            text::fixed(sum / static_cast<double>(rest), 3) + " (" + text::fixed(lo, 3) + ".." +
            text::fixed(hi, 3) + ")";
  return line;
}

double pct_error(double estimate, double measured) {
  return measured > 0 ? 100.0 * (estimate - measured) / measured : 0.0;
}

}  // namespace

nlohmann::json bench_slice_json(const ModelConfig& config, const LayerRange& slice,
                                const RunShape& shape, const Generations& measured,
                                const Generations* full) {
  const std::vector<prof::SliceClassInput> classes = views::slice_classes(config, shape);
  std::vector<prof::SliceEstimate> estimates;
  std::vector<double> prefill_s, decode_ms, prefill_mean_s, decode_mean_ms;
  for (size_t r = 0; r < measured.runs.size(); ++r) {
    prof::SlicePhaseInput p, d;
    phase_inputs(measured.runs[r], measured.layer_times[r], slice.first, slice.last, p, d);
    estimates.push_back(
        prof::estimate_slice(slice.first, slice.last, config.n_layers, classes, p, d));
    prefill_s.push_back(estimates.back().prefill.estimate_ms / 1e3);
    decode_ms.push_back(estimates.back().decode.estimate_ms);
    prefill_mean_s.push_back(estimates.back().prefill.estimate_mean_ms / 1e3);
    decode_mean_ms.push_back(estimates.back().decode.estimate_mean_ms);
  }
  // The repeat whose decode time is the median one (as the bench's CPU shares).
  std::vector<size_t> order(measured.runs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return measured.runs[a].decode_s < measured.runs[b].decode_s;
  });
  const prof::SliceEstimate& e = estimates[order[order.size() / 2]];
  nlohmann::json j;
  j["estimate"] = views::slice_json(e);
  j["layer_ms"] = {{"prefill", layer_medians(measured, true)},
                   {"decode", layer_medians(measured, false)}};
  const bool have = e.complete() && e.prefill.layers_timed && e.decode.layers_timed;
  j["extrapolated_medians"] = have ? nlohmann::json{{"prefill_s", median(prefill_s)},
                                                    {"decode_ms_per_step", median(decode_ms)}}
                                   : nlohmann::json(nullptr);
  // The earlier rule (slice_estimate.hpp, estimate_mean_ms), beside the estimate.
  j["extrapolated_mean_rule_medians"] =
      have ? nlohmann::json{{"prefill_s", median(prefill_mean_s)},
                            {"decode_ms_per_step", median(decode_mean_ms)}}
           : nlohmann::json(nullptr);
  // Per repeat, in order: the spread says how much of an error is the machine's noise.
  j["extrapolated_per_repeat"] =
      have ? nlohmann::json{{"prefill_s", prefill_s}, {"decode_ms_per_step", decode_ms}}
           : nlohmann::json(nullptr);
  if (full) {
    std::vector<double> fp, fd;
    for (const GenerationResult& g : full->runs) {
      fp.push_back(g.prefill_s);
      fd.push_back(1e3 * g.decode_s / static_cast<double>(std::max<int64_t>(1, g.decode_steps)));
    }
    j["full"] = {
        {"prefill_s", median(fp)},
        {"decode_ms_per_step", median(fd)},
        {"prefill_s_per_repeat", fp},
        {"decode_ms_per_step_per_repeat", fd},
        {"layer_ms",
         {{"prefill", layer_medians(*full, true)}, {"decode", layer_medians(*full, false)}}}};
    j["error_pct"] = have ? nlohmann::json{{"prefill", pct_error(median(prefill_s), median(fp))},
                                           {"decode", pct_error(median(decode_ms), median(fd))}}
                          : nlohmann::json(nullptr);
    j["error_mean_rule_pct"] =
        have ? nlohmann::json{{"prefill", pct_error(median(prefill_mean_s), median(fp))},
                              {"decode", pct_error(median(decode_mean_ms), median(fd))}}
             : nlohmann::json(nullptr);
  }
  return j;
}

std::vector<std::string> bench_slice_text(const nlohmann::json& j) {
  const nlohmann::json& e = j["estimate"];
  std::vector<std::string> out;
  const int64_t first = e["layers"]["first"].get<int64_t>(),
                last = e["layers"]["last"].get<int64_t>();
  out.push_back("slice    only layers " + to_string(LayerRange{first, last}) + " of " +
                std::to_string(e["model_layers"].get<int64_t>()) +
                " ran (with the embedding and head): every figure above is the slice's");
  if (j["extrapolated_medians"].is_null()) {
    std::string why = "whole model not extrapolated: ";
    if (!e["complete"].get<bool>()) {
      why += "the slice has no layer of";
      for (const auto& m : e["missing_classes"]) why += " [" + m.get<std::string>() + "]";
    } else {
      why += "layers were not timed";
    }
    out.push_back("         " + why);
  } else {
    const auto& m = j["extrapolated_medians"];
    const auto& r = j["extrapolated_per_repeat"];
    out.push_back("EXTRAPOLATED whole model: prefill " +
                  text::fixed(m["prefill_s"].get<double>(), 3) + " s" + spread(r["prefill_s"], 3) +
                  ", decode " + text::fixed(m["decode_ms_per_step"].get<double>(), 3) + " ms/step" +
                  spread(r["decode_ms_per_step"], 3) + " (medians over repeats)");
  }
  for (const auto& c : e["classes"]) {
    std::string line = "         class " + c["label"].get<std::string>() + " x" +
                       std::to_string(c["layers_in_model"].get<int64_t>()) + ": ";
    line += c["prefill_ms_per_layer"].is_null()
                ? std::string("MISSING from the slice")
                : "fastest slice layer " + text::fixed(c["prefill_ms_per_layer"].get<double>(), 3) +
                      " ms prefill, " + text::fixed(c["decode_ms_per_layer"].get<double>(), 3) +
                      " ms per decode step";
    out.push_back(line);
  }
  for (const char* phase : {"prefill", "decode"})
    if (j.contains("layer_ms") && !j["layer_ms"][phase].empty())
      out.push_back(
          std::string("         slice per layer, ms per ") +
          (std::string(phase) == "prefill" ? "prefill: " : "decode step: ") +
          layer_line(j["layer_ms"][phase], e["model_layers"].get<int64_t>(), first, last));
  if (j.contains("full")) {
    const auto& f = j["full"];
    std::string line = "full     whole model MEASURED in the same call: prefill " +
                       text::fixed(f["prefill_s"].get<double>(), 3) + " s" +
                       spread(f["prefill_s_per_repeat"], 3) + ", decode " +
                       text::fixed(f["decode_ms_per_step"].get<double>(), 3) + " ms/step" +
                       spread(f["decode_ms_per_step_per_repeat"], 3);
    if (!j["error_pct"].is_null())
      line += "; extrapolation error prefill " +
              text::fixed(j["error_pct"]["prefill"].get<double>(), 2) + "%, decode " +
              text::fixed(j["error_pct"]["decode"].get<double>(), 2) + "%";
    out.push_back(line);
    if (!j["extrapolated_mean_rule_medians"].is_null()) {
      const auto& m = j["extrapolated_mean_rule_medians"];
      out.push_back(
          "         with class means (the earlier rule): prefill " +
          text::fixed(m["prefill_s"].get<double>(), 3) + " s, decode " +
          text::fixed(m["decode_ms_per_step"].get<double>(), 3) + " ms/step; error prefill " +
          text::fixed(j["error_mean_rule_pct"]["prefill"].get<double>(), 2) + "%, decode " +
          text::fixed(j["error_mean_rule_pct"]["decode"].get<double>(), 2) + "%");
    }
    const int64_t n_layers = e["model_layers"].get<int64_t>();
    for (const char* phase : {"prefill", "decode"})
      if (f.contains("layer_ms") && !f["layer_ms"][phase].empty())
        out.push_back(std::string("         whole model per layer, ms per ") +
                      (std::string(phase) == "prefill" ? "prefill: " : "decode step: ") +
                      layer_line(f["layer_ms"][phase], n_layers, first, last));
  }
  return out;
}

}  // namespace archscope::cli
