// The one comparison model of stored runs: `archscope compare`, the run report and the desktop
// app all render this. Per run: throughput, step and token latency, KV-cache bytes, expert-load
// imbalance, and span time per layer and per op kind as per-step means (the prefill per pass,
// decode per decode step), so runs of different lengths compare fairly. Each figure says which
// way is better, and its change against the first run (the baseline).
//
// Rules:
//  - a figure that does not apply to a run (expert imbalance of a dense model) is NotApplicable,
//    shown "n/a", never 0;
//  - a figure a run lacks (no decode steps, recorded without spans, a layer only the other model
//    has) is Missing; a change is given only when the run and the baseline both have a value, so
//    a row missing from the baseline is never compared to 0;
//  - the change in percent is left out when the baseline value is 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metrics/expert_load.hpp"
#include "metrics/run_summary.hpp"
#include "model/run_records.hpp"

namespace archscope::views::compare {

enum class Better { Higher, Lower, Neither };
const char* to_string(Better b);  // "higher", "lower", "neither"

enum class Unit { TokensPerSecond, Milliseconds, Bytes, Ratio };
const char* to_string(Unit u);  // "tokens/s", "ms", "bytes", "ratio"

// What one run contributes: its row, its summary (summarize() or session::load_run_summary) and
// the KV sample of its last step.
struct RunFigures {
  prof::RunInfo run;
  prof::RunSummary summary;
  std::optional<prof::StepRecord> last_step;
  std::vector<prof::CumulativeExpertLoad> expert_load;
};
RunFigures run_figures(const prof::RunInfo& run, const prof::RunSummary& summary,
                       const std::vector<prof::StepRecord>& steps,
                       const std::vector<prof::ExpertCountRecord>& expert_counts);

struct Cell {
  enum class State { Value, NotApplicable, Missing };
  State state = State::Missing;
  double value = 0;
  bool has_value() const { return state == State::Value; }
};

struct Delta {
  double abs = 0;
  std::optional<double> pct;  // none when the baseline is 0
};

struct Row {
  std::string key;    // "decode_ms_per_step_mean", "decode L003", "prefill matmul"
  std::string label;  // "decode time per step, mean"
  Unit unit = Unit::Milliseconds;
  Better better = Better::Lower;
  std::vector<Cell> cells;                  // one per run
  std::vector<std::optional<Delta>> delta;  // one per run, against cells[0]
};

struct RunColumn {
  int64_t id = 0;
  std::string name, model, status, weights_dtype, device;
  int64_t batch = 0, prompt = 0, new_tokens = 0, passes = 0, warmup = 0;
  bool checks = true;
  std::string backend;  // "cuda:0", with the kernel variants when not the defaults
  std::string kv_dtype;  // the KV cache's element type ("fp32", "int8", ...)
};

struct Comparison {
  std::vector<RunColumn> runs;  // the first is the baseline
  std::vector<Row> figures;     // run-level figures, in a fixed order
  std::vector<Row> layers;      // span ms per step by phase and layer, in execution order
  std::vector<Row> kinds;       // span ms per step by phase and op kind
};

// Error(Validation, "compare") for fewer than one run.
Comparison compare_runs(const std::vector<RunFigures>& runs);

// The change of `value` against `base`, or none when either has no value.
std::optional<Delta> delta_of(const Cell& base, const Cell& value);

}  // namespace archscope::views::compare
