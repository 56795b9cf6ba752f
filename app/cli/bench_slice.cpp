#include "cli/bench_slice.hpp"

#include <algorithm>

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

double pct_error(double estimate, double measured) {
  return measured > 0 ? 100.0 * (estimate - measured) / measured : 0.0;
}

}  // namespace

nlohmann::json bench_slice_json(const ModelConfig& config, const LayerRange& slice,
                                const RunShape& shape, const Generations& measured,
                                const Generations* full) {
  const std::vector<prof::SliceClassInput> classes = views::slice_classes(config, shape);
  std::vector<prof::SliceEstimate> estimates;
  std::vector<double> prefill_s, decode_ms;
  for (size_t r = 0; r < measured.runs.size(); ++r) {
    prof::SlicePhaseInput p, d;
    phase_inputs(measured.runs[r], measured.layer_times[r], slice.first, slice.last, p, d);
    estimates.push_back(
        prof::estimate_slice(slice.first, slice.last, config.n_layers, classes, p, d));
    prefill_s.push_back(estimates.back().prefill.estimate_ms / 1e3);
    decode_ms.push_back(estimates.back().decode.estimate_ms);
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
  const bool have = e.complete() && e.prefill.layers_timed && e.decode.layers_timed;
  j["extrapolated_medians"] = have ? nlohmann::json{{"prefill_s", median(prefill_s)},
                                                    {"decode_ms_per_step", median(decode_ms)}}
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
    j["full"] = {{"prefill_s", median(fp)},
                 {"decode_ms_per_step", median(fd)},
                 {"prefill_s_per_repeat", fp},
                 {"decode_ms_per_step_per_repeat", fd}};
    j["error_pct"] = have ? nlohmann::json{{"prefill", pct_error(median(prefill_s), median(fp))},
                                           {"decode", pct_error(median(decode_ms), median(fd))}}
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
                : text::fixed(c["prefill_ms_per_layer"].get<double>(), 3) + " ms/layer prefill, " +
                      text::fixed(c["decode_ms_per_layer"].get<double>(), 3) +
                      " ms/layer per decode step";
    out.push_back(line);
  }
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
  }
  return out;
}

}  // namespace archscope::cli
