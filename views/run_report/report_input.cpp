#include "run_report/report_input.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "common/error.hpp"
#include "config/config_json.hpp"
#include "metrics/expert_load.hpp"
#include "metrics/run_summary.hpp"
#include "run_report/run_slice.hpp"

namespace archscope::views {

namespace {

std::string layer_label(int32_t layer, int64_t n_layers) {
  if (layer == prof::kStepLayer) return "other";
  if (layer < 0) return "embed";
  if (layer >= n_layers) return "head";
  return std::to_string(layer);
}

// Span time of one phase as a [layer][kind] table in seconds, divided by `per` (the passes for
// the prefill, the decode step count for the mean decode step). The steps' `other` spans come last.
LayerKindTimes layer_kind_times(const std::vector<prof::SpanRecord>& spans, prof::Phase phase, int64_t n_layers,
                                double per) {
  const auto order = [](int32_t layer) { return layer == prof::kStepLayer ? INT32_MAX : layer; };
  std::map<int32_t, std::map<std::string, int64_t>> ns;  // by order(layer)
  std::set<std::string> kinds;
  for (const prof::SpanRecord& s : spans) {
    if (s.phase != phase) continue;
    ns[order(s.layer)][s.kind] += s.duration_ns;
    kinds.insert(s.kind);
  }
  LayerKindTimes t;
  t.kinds.assign(kinds.begin(), kinds.end());
  for (const auto& [key, by_kind] : ns) {
    t.layers.push_back(layer_label(key == INT32_MAX ? prof::kStepLayer : key, n_layers));
    std::vector<double> row;
    for (const std::string& k : t.kinds) {
      const auto it = by_kind.find(k);
      row.push_back(it == by_kind.end() ? 0.0 : static_cast<double>(it->second) / 1e9 / per);
    }
    t.seconds.push_back(std::move(row));
  }
  return t;
}

}  // namespace

double LayerKindTimes::layer_total(size_t layer) const {
  double sum = 0;
  for (double v : seconds.at(layer)) sum += v;
  return sum;
}

double LayerKindTimes::kind_total(size_t kind) const {
  double sum = 0;
  for (const auto& row : seconds) sum += kind < row.size() ? row[kind] : 0;
  return sum;
}

double LayerKindTimes::total() const {
  double sum = 0;
  for (size_t l = 0; l < seconds.size(); ++l) sum += layer_total(l);
  return sum;
}

const HardwareProfile* report_hardware(const ReportRun& run) {
  if (run.hardware) return &*run.hardware;
  if (run.analysis && run.analysis->hardware) return &*run.analysis->hardware;
  return nullptr;
}

ReportRun make_report_run(prof::RunData d, const std::optional<HardwareProfile>& hw) {
  ReportRun r;
  const std::string where = "run " + std::to_string(d.run.id);
  const nlohmann::json config_json = nlohmann::json::parse(d.run.config_json, nullptr, false);
  if (config_json.is_discarded())
    throw Error(ErrorKind::Parse, where, "stored configuration is not valid JSON");
  const ModelConfig config = config_from_json(config_json, where);
  const prof::RunSummary s = prof::summarize(d.steps, d.spans, d.activations);
  if (s.prefill_steps > 0)
    r.summary.prefill = layer_kind_times(d.spans, prof::Phase::Prefill, config.n_layers,
                                         static_cast<double>(s.passes));
  if (s.decode_steps > 0)
    r.summary.decode_mean = layer_kind_times(
        d.spans, prof::Phase::Decode, config.n_layers,
        static_cast<double>(s.decode.steps_with_spans > 0 ? s.decode.steps_with_spans
                                                          : s.decode_steps));
  for (const prof::CumulativeExpertLoad& l : prof::expert_load_cumulative(d.expert_counts)) {
    r.summary.expert_layers.push_back(std::to_string(l.layer));
    r.summary.expert_tokens.push_back(l.tokens_per_expert);
  }
  // The plan's prediction for the run's own shape: prefill of the prompt, decode at that context.
  AnalysisOptions ao;
  ao.context = std::max<int64_t>(1, d.run.prompt_tokens);
  ao.batch = std::max<int64_t>(1, d.run.batch);
  ao.weights = parse_dtype(d.run.weights_dtype).value_or(DType::BF16);
  ao.kv = parse_dtype(d.run.kv_dtype).value_or(DType::F32);
  ao.activations = DType::F32;  // the CPU engine computes in fp32
  r.analysis = summarize(config, ao, hw);
  r.hardware = hw;
  r.slice = run_slice_estimate(d.run, d.steps, d.spans);
  r.info = std::move(d.run);
  r.records.spans = std::move(d.spans);
  r.records.steps = std::move(d.steps);
  r.records.expert_counts = std::move(d.expert_counts);
  r.records.activations = std::move(d.activations);
  r.records.kernels = std::move(d.kernels);
  r.records.step_memory = std::move(d.step_memory);
  return r;
}

compare::RunFigures comparison_input(const ReportRun& run) {
  const RunRecords& rec = run.records;
  return compare::run_figures(run.info, prof::summarize(rec.steps, rec.spans, rec.activations),
                              rec.steps, rec.expert_counts);
}

compare::Comparison compare_report_runs(const std::vector<ReportRun>& runs) {
  std::vector<compare::RunFigures> in;
  for (const ReportRun& r : runs) in.push_back(comparison_input(r));
  return compare::compare_runs(in);
}

}  // namespace archscope::views
