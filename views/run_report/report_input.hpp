// What the run report is rendered from: per run, the stored records, the per-run summaries (plain
// numbers, as the profiler's metrics produce them) and, optionally, the plan's analysis and a
// hardware profile for the roofline. The report never re-derives a summary figure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compare/comparison.hpp"
#include "export/run_data.hpp"
#include "metrics/slice_estimate.hpp"
#include "model/run_records.hpp"
#include "plan/analysis.hpp"
#include "plan/hardware.hpp"
#include "quant/eval_result.hpp"

namespace archscope::views {

// Time per layer and op kind. Layers in execution order, labelled as the summaries label them
// ("embed", "0", "1", ..., "head"), then "other": the steps' time outside every op (kind "other").
struct LayerKindTimes {
  std::vector<std::string> layers;
  std::vector<std::string> kinds;
  std::vector<std::vector<double>> seconds;  // [layer][kind]

  bool empty() const { return layers.empty() || kinds.empty(); }
  double layer_total(size_t layer) const;
  double kind_total(size_t kind) const;
  double total() const;
};

// The per-run tables and charts' data. Headline figures and every comparison between runs come
// from the comparison model (compare/comparison.hpp), computed from the records by the
// profiler's summary, so the report and `archscope compare` show the same numbers.
struct RunSummary {
  LayerKindTimes prefill;      // one prefill (the mean over passes)
  LayerKindTimes decode_mean;  // mean of one decode step
  // Cumulative tokens routed per MoE layer and expert over the run.
  std::vector<std::string> expert_layers;
  std::vector<std::vector<int64_t>> expert_tokens;  // [layer][expert]
};

struct RunRecords {
  std::vector<prof::SpanRecord> spans;
  std::vector<prof::StepRecord> steps;
  std::vector<prof::ExpertCountRecord> expert_counts;
  std::vector<prof::ActivationRecord> activations;
  std::vector<prof::KernelRecord> kernels;  // CUDA runs traced with CUPTI
  std::vector<prof::StepMemoryRecord> step_memory;
};

struct ReportRun {
  prof::RunInfo info;
  RunRecords records;
  RunSummary summary;
  std::optional<Analysis> analysis;         // predicted points on the roofline
  std::optional<HardwareProfile> hardware;  // the roofline; defaults to analysis->hardware
  std::optional<quant::EvalResult> quant;   // an `archscope quant` run's measurement
  // A layer-slice run (`--layers`): its whole-model estimate (run_report/run_slice.hpp).
  std::optional<prof::SliceEstimate> slice;
};

// The hardware to draw the roofline against, if any.
const HardwareProfile* report_hardware(const ReportRun& run);

// A stored run (its row and every record) as the report shows it: the layer × kind tables, the
// cumulative expert load and, when the run's configuration reads back, the plan's predictions
// for the run's own shape (prefill of the prompt, decode at that context) on `hardware`.
// Error(Parse) naming the run when its stored configuration is not a valid model.
ReportRun make_report_run(prof::RunData data, const std::optional<HardwareProfile>& hardware);

// The figures the comparison model takes from a report run, through prof::summarize.
compare::RunFigures comparison_input(const ReportRun& run);
compare::Comparison compare_report_runs(const std::vector<ReportRun>& runs);

}  // namespace archscope::views
