// `archscope report ID [ID...] --out report.html|report.md [--hardware NAME]`: stored runs as the
// HTML or Markdown run report (views/run_report), with the plan's predictions for each run's shape
// on the roofline of the named hardware profile.
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/stored_runs.hpp"
#include "common/error.hpp"
#include "config/config_json.hpp"
#include "metrics/expert_load.hpp"
#include "metrics/run_summary.hpp"
#include "plan/analysis.hpp"
#include "presets/hardware_catalog.hpp"
#include "run_report/html_report.hpp"
#include "run_report/markdown_report.hpp"

namespace archscope::cli {

namespace {

struct ReportOptions {
  std::vector<std::string> ids;
  std::string out;
  std::string db;
  std::string hardware;
};

std::string layer_label(int32_t layer, int64_t n_layers) {
  if (layer < 0) return "embed";
  if (layer >= n_layers) return "head";
  return std::to_string(layer);
}

// Span time of one phase as a [layer][kind] table in seconds, divided by `per` (1 for the whole
// prefill, the decode step count for the mean decode step).
views::LayerKindTimes layer_kind_times(const std::vector<prof::SpanRecord>& spans, prof::Phase phase,
                                       int64_t n_layers, double per) {
  std::map<int32_t, std::map<std::string, int64_t>> ns;
  std::set<std::string> kinds;
  for (const prof::SpanRecord& s : spans) {
    if (s.phase != phase) continue;
    ns[s.layer][s.kind] += s.duration_ns;
    kinds.insert(s.kind);
  }
  views::LayerKindTimes t;
  t.kinds.assign(kinds.begin(), kinds.end());
  for (const auto& [layer, by_kind] : ns) {
    t.layers.push_back(layer_label(layer, n_layers));
    std::vector<double> row;
    for (const std::string& k : t.kinds) {
      const auto it = by_kind.find(k);
      row.push_back(it == by_kind.end() ? 0.0 : static_cast<double>(it->second) / 1e9 / per);
    }
    t.seconds.push_back(std::move(row));
  }
  return t;
}

std::optional<DType> run_dtype(const std::string& name) { return parse_dtype(name); }

views::ReportRun report_run(prof::store::RunStore& store, int64_t id, const std::optional<HardwareProfile>& hw) {
  views::ReportRun r;
  prof::RunData d = load_run_data(store, id);
  const ModelConfig config = config_from_json(nlohmann::json::parse(d.run.config_json), "run " + std::to_string(id));
  const prof::RunSummary s = prof::summarize(d.steps, d.spans, d.activations);
  if (s.prefill_steps > 0) r.summary.prefill_tokens_per_s = s.prefill_tokens_per_s;
  if (s.decode_steps > 0) r.summary.decode_ms_per_token = s.decode_ms_per_token_mean;
  r.summary.prefill = layer_kind_times(d.spans, prof::Phase::Prefill, config.n_layers, 1.0);
  if (s.decode_steps > 0)
    r.summary.decode_mean =
        layer_kind_times(d.spans, prof::Phase::Decode, config.n_layers, static_cast<double>(s.decode_steps));
  for (const prof::CumulativeExpertLoad& l : prof::expert_load_cumulative(d.expert_counts)) {
    r.summary.expert_layers.push_back(std::to_string(l.layer));
    r.summary.expert_tokens.push_back(l.tokens_per_expert);
  }
  // The plan's prediction for the run's own shape: prefill of the prompt, decode at that context.
  AnalysisOptions ao;
  ao.context = std::max<int64_t>(1, d.run.prompt_tokens);
  ao.batch = std::max<int64_t>(1, d.run.batch);
  ao.weights = run_dtype(d.run.weights_dtype).value_or(DType::BF16);
  ao.kv = run_dtype(d.run.kv_dtype).value_or(DType::F32);
  ao.activations = DType::F32;  // the CPU engine computes in fp32
  r.analysis = summarize(config, ao, hw);
  r.hardware = hw;
  r.info = std::move(d.run);
  r.records.spans = std::move(d.spans);
  r.records.steps = std::move(d.steps);
  r.records.expert_counts = std::move(d.expert_counts);
  r.records.activations = std::move(d.activations);
  return r;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int run_report(const ReportOptions& o) {
  const bool html = ends_with(o.out, ".html") || ends_with(o.out, ".htm");
  const bool md = ends_with(o.out, ".md");
  if (!html && !md) throw Error(ErrorKind::Validation, "--out", "'" + o.out + "' must end in .html or .md");
  std::vector<int64_t> ids;
  for (const std::string& s : o.ids) ids.push_back(parse_run_id(s));
  std::optional<HardwareProfile> hw;
  if (!o.hardware.empty()) hw = load_hardware(o.hardware);
  prof::store::RunStore store = open_run_store(o.db);
  std::vector<views::ReportRun> runs;
  for (int64_t id : ids) runs.push_back(report_run(store, id, hw));
  if (html) {
    std::ofstream out(o.out, std::ios::binary);
    if (!out) throw Error(ErrorKind::Io, o.out, "cannot be written");
    out << views::render_run_report_html(runs);
    out.close();
    if (!out) throw Error(ErrorKind::Io, o.out, "write failed");
  } else {
    views::write_markdown_report(o.out, runs);
  }
  std::cerr << "wrote the report of " << runs.size() << " run(s) to " << o.out << "\n";
  return 0;
}

}  // namespace

Command add_report_command(CLI::App& root) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* sub = root.add_subcommand("report", "Write stored runs as an HTML or Markdown report");
  sub->add_option("ids", o->ids, "Run ids (the first is the baseline of comparisons)")->required();
  sub->add_option("--out", o->out, "report.html or report.md (figures next to it)")->required();
  sub->add_option("--hardware", o->hardware, "Hardware profile for the roofline (archscope hardware lists them)");
  add_db_option(*sub, o->db);
  return {sub, [o] { return run_report(*o); }};
}

}  // namespace archscope::cli
