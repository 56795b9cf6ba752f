#include "run_report/run_slice.hpp"

#include "common/error.hpp"
#include "config/config_json.hpp"
#include "config/layer_range.hpp"
#include "report/text_format.hpp"

namespace archscope::views {

namespace {

std::string layer_list(const std::vector<int64_t>& layers) {
  if (layers.empty()) return "none";
  // Runs of consecutive layers as "a..b".
  std::string out;
  for (size_t i = 0; i < layers.size();) {
    size_t j = i;
    while (j + 1 < layers.size() && layers[j + 1] == layers[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += std::to_string(layers[i]) + (j > i ? ".." + std::to_string(layers[j]) : "");
    i = j + 1;
  }
  return out;
}

std::string ms_text(double ms) {
  return text::fixed(ms, 3) + " ms";
}

nlohmann::json phase_json(const prof::SlicePhaseEstimate& p, bool complete) {
  nlohmann::json j{{"units", p.units},
                   {"measured_ms", p.measured_ms},
                   {"slice_layers_ms", p.slice_layers_ms},
                   {"outside_layers_ms", p.outside_layers_ms},
                   {"layers_timed", p.layers_timed}};
  const bool has = complete && p.layers_timed && p.units > 0;
  j["extrapolated_ms"] = has ? nlohmann::json(p.estimate_ms) : nlohmann::json(nullptr);
  j["extrapolated_tokens_per_s"] =
      has ? nlohmann::json(p.estimate_tokens_per_s) : nlohmann::json(nullptr);
  return j;
}

// Why a phase has no whole-model figure, or "" when it has one.
std::string no_estimate_reason(const prof::SliceEstimate& e, const prof::SlicePhaseEstimate& p) {
  if (p.units == 0) return "no steps";
  if (!e.complete()) return "not extrapolated: the slice has no layer of every class";
  if (!p.layers_timed) return "not extrapolated: the slice's layers were not timed (spans off)";
  return "";
}

}  // namespace

std::vector<prof::SliceClassInput> slice_classes(const ModelConfig& config, const RunShape& shape) {
  std::vector<prof::SliceClassInput> out;
  for (const LayerClass& c : layer_classes(config, shape)) out.push_back({c.label, c.layers});
  return out;
}

std::optional<prof::SliceEstimate> run_slice_estimate(const prof::RunInfo& info,
                                                      const std::vector<prof::StepRecord>& steps,
                                                      const std::vector<prof::SpanRecord>& spans) {
  if (!info.sliced()) return std::nullopt;
  const std::string where = "run " + std::to_string(info.id);
  const nlohmann::json cj = nlohmann::json::parse(info.config_json, nullptr, false);
  if (cj.is_discarded())
    throw Error(ErrorKind::Parse, where, "stored configuration is not valid JSON");
  const ModelConfig config = config_from_json(cj, where);
  if (info.layer_last >= config.n_layers)
    throw Error(ErrorKind::Parse, where,
                "stored slice ends at layer " + std::to_string(info.layer_last) +
                    ", the model has " + std::to_string(config.n_layers));
  RunShape shape;
  shape.batch = std::max<int64_t>(1, info.batch);
  shape.prompt = std::max<int64_t>(1, info.prompt_tokens);
  shape.new_tokens = std::max<int64_t>(1, info.new_tokens);
  shape.prefill_chunk = info.prefill_chunk;
  shape.weights = parse_dtype(info.weights_dtype).value_or(DType::BF16);
  prof::SlicePhaseInput prefill, decode;
  prof::slice_phase_inputs(steps, spans, info.layer_first, info.layer_last, config.n_layers,
                           prefill, decode);
  return prof::estimate_slice(info.layer_first, info.layer_last, config.n_layers,
                              slice_classes(config, shape), prefill, decode);
}

nlohmann::json slice_json(const prof::SliceEstimate& e) {
  nlohmann::json j;
  j["layers"] = {{"first", e.first}, {"last", e.last}};
  j["model_layers"] = e.n_layers;
  j["extrapolated"] = true;  // every *_extrapolated figure below is an estimate, not a measurement
  j["method"] =
      "measured step time + sum over layer classes of (layers of the class the slice did not run "
      "x measured time of the class's fastest slice layer)";
  j["complete"] = e.complete();
  j["missing_classes"] = e.missing;
  j["classes"] = nlohmann::json::array();
  for (const prof::SliceClassEstimate& c : e.classes) {
    const bool measured = !c.measured_layers.empty();
    j["classes"].push_back(
        {{"label", c.label},
         {"layers_in_model", c.layers_in_model},
         {"measured_layers", c.measured_layers},
         {"prefill_ms_per_layer",
          measured ? nlohmann::json(c.prefill_ms_per_layer) : nlohmann::json(nullptr)},
         {"decode_ms_per_layer",
          measured ? nlohmann::json(c.decode_ms_per_layer) : nlohmann::json(nullptr)}});
  }
  j["prefill"] = phase_json(e.prefill, e.complete());  // per pass
  j["decode"] = phase_json(e.decode, e.complete());    // per step
  return j;
}

std::string slice_caption(const prof::SliceEstimate& e) {
  return "Whole model extrapolated from layers " + to_string(LayerRange{e.first, e.last}) + " (" +
         std::to_string(e.last - e.first + 1) + " of " + std::to_string(e.n_layers) +
         " layers ran)";
}

std::vector<std::string> slice_text(const prof::SliceEstimate& e) {
  std::vector<std::string> out;
  out.push_back("slice: only layers " + to_string(LayerRange{e.first, e.last}) + " of " +
                std::to_string(e.n_layers) +
                " ran (with the embedding and head); the figures above are the slice's. "
                "Whole model EXTRAPOLATED from them (means; each layer the slice did not run at "
                "its class's fastest slice layer):");
  auto phase = [&](const char* name, const char* unit, const prof::SlicePhaseEstimate& p,
                   const char* rate) {
    std::string line = std::string("  ") + name + ": ";
    const std::string reason = no_estimate_reason(e, p);
    line += reason.empty()
                ? ms_text(p.estimate_ms) + unit + " extrapolated, " +
                      text::fixed(p.estimate_tokens_per_s, 1) + " " + rate + " extrapolated"
                : reason;
    if (p.units > 0)
      line += "; slice measured " + ms_text(p.measured_ms) + unit + " (" +
              ms_text(p.slice_layers_ms) + " in its layers, " + ms_text(p.outside_layers_ms) +
              " outside them)";
    out.push_back(line);
  };
  phase("prefill", " per pass", e.prefill, "tokens/s");
  phase("decode ", " per step", e.decode, "tokens/s");
  for (const prof::SliceClassEstimate& c : e.classes) {
    std::string line = "  class " + c.label + ": " + std::to_string(c.layers_in_model) +
                       (c.layers_in_model == 1 ? " layer; " : " layers; ");
    line += c.measured_layers.empty()
                ? "MISSING from the slice (add one of its layers to --layers)"
                : "measured on " + layer_list(c.measured_layers) +
                      ", fastest: " + ms_text(c.prefill_ms_per_layer) + " per layer per prefill, " +
                      ms_text(c.decode_ms_per_layer) + " per layer per decode step";
    out.push_back(line);
  }
  return out;
}

TableData slice_table(const prof::SliceEstimate& e) {
  TableData t{slice_caption(e) + ": time per prefill pass and per decode step (means)",
              {"", "prefill per pass", "decode per step"},
              "lrr",
              {}};
  auto cell = [&](const prof::SlicePhaseEstimate& p, double v) {
    return p.units > 0 ? ms_text(v) : "-";
  };
  auto estimate = [&](const prof::SlicePhaseEstimate& p) {
    const std::string reason = no_estimate_reason(e, p);
    return reason.empty() ? ms_text(p.estimate_ms) : reason;
  };
  auto rate = [&](const prof::SlicePhaseEstimate& p) {
    return no_estimate_reason(e, p).empty() ? text::fixed(p.estimate_tokens_per_s, 1)
                                            : std::string("-");
  };
  t.rows.push_back({"whole model, EXTRAPOLATED", estimate(e.prefill), estimate(e.decode)});
  t.rows.push_back({"tokens/s, EXTRAPOLATED", rate(e.prefill), rate(e.decode)});
  t.rows.push_back({"slice, measured", cell(e.prefill, e.prefill.measured_ms),
                    cell(e.decode, e.decode.measured_ms)});
  t.rows.push_back({"  in the slice's layers", cell(e.prefill, e.prefill.slice_layers_ms),
                    cell(e.decode, e.decode.slice_layers_ms)});
  t.rows.push_back({"  outside them (embedding, head, host)",
                    cell(e.prefill, e.prefill.outside_layers_ms),
                    cell(e.decode, e.decode.outside_layers_ms)});
  return t;
}

TableData slice_class_table(const prof::SliceEstimate& e) {
  TableData t{
      "Layer classes (identical layers in the plan) and their measured time per layer",
      {"layer class", "layers in model", "measured on", "prefill per layer", "decode per layer"},
      "lrlrr",
      {}};
  for (const prof::SliceClassEstimate& c : e.classes) {
    const bool m = !c.measured_layers.empty();
    t.rows.push_back(
        {c.label, std::to_string(c.layers_in_model), m ? layer_list(c.measured_layers) : "MISSING",
         m ? ms_text(c.prefill_ms_per_layer) : "-", m ? ms_text(c.decode_ms_per_layer) : "-"});
  }
  return t;
}

}  // namespace archscope::views
