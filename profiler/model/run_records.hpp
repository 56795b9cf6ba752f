// What a profiled run produces, as plain records shared by the event stream, the SQLite store,
// the exporters and the report views. Engine-agnostic: the plan's op names, kinds and predicted
// costs are copied in, so a stored span needs no plan to be read back.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/weights_source.hpp"

namespace archscope::prof {

enum class RunStatus { Running, Complete, Failed, Interrupted };
const char* to_string(RunStatus s);  // "running", "complete", "failed", "interrupted"
bool parse_run_status(const std::string& s, RunStatus& out);

enum class Phase { Prefill, Decode };
const char* to_string(Phase p);  // "prefill", "decode"

// One row per run.
struct RunInfo {
  int64_t id = 0;           // assigned by the store
  std::string name;         // --name, or "<model> <time>"
  std::string started_at;   // ISO-8601 UTC, e.g. "2026-11-25T13:05:00Z"
  std::string finished_at;  // empty while running
  std::string model;        // ModelConfig::name
  std::string config_json;  // the full archscope.model/1 configuration
  std::string backend;      // "cpu", later "cuda"
  std::string device;       // "AMD EPYC 7B13, 2 threads"
  std::string weights_dtype;
  std::string weights_quant;  // --weights-quant scheme ("q8_0", ...); empty: source precision
  WeightsSource weights_source;  // checkpoint directory or random seed: what re-creates the weights
  std::string kv_dtype;
  int64_t batch = 1;
  int64_t prompt_tokens = 0;
  int64_t new_tokens = 0;
  int64_t threads = 0;
  int64_t warmup = 0;  // unrecorded passes before the measured ones
  int64_t repeat = 1;  // measured passes asked for (an interrupted run may hold fewer)
  bool checks = true;  // NaN/Inf and residual-RMS checks were on (off: no activation records)
  int64_t prefill_chunk = 0;  // prompt tokens per sequence per prefill step (0: all in one step)
  // A layer slice (`--layers A:B`): only layers layer_first..layer_last (both included) ran, with
  // the model's embedding and head. layer_last < 0: the whole model ran.
  int64_t layer_first = 0;
  int64_t layer_last = -1;
  bool sliced() const { return layer_last >= 0; }
  std::string version;       // archscope version
  std::string git_revision;  // of the archscope build
  RunStatus status = RunStatus::Running;
  std::string failure;  // reason when failed / interrupted
};

// One executed op. `layer` is -1 for the prologue (embedding) and n_layers for the epilogue
// (final norm, head).
struct SpanRecord {
  int64_t step = 0;  // 0: prefill; 1, 2, ...: decode steps
  Phase phase = Phase::Prefill;
  int32_t layer = 0;
  std::string op;    // the plan's op name: "q_proj", "attn_scores", "experts", ...
  std::string kind;  // the plan's OpKind name: "matmul", "attention", ...
  int64_t start_ns = 0;     // since the run started, backend clock
  int64_t duration_ns = 0;
  uint64_t flops = 0;  // predicted by the plan for this op and step
  uint64_t bytes = 0;  // predicted bytes read + written
};

// The span that accounts for a step's time outside every op span: the host work between ops and
// the profiler's own checks. One per step (when spans are recorded), so a step's spans sum to its
// wall time. It belongs to no layer (layer kStepLayer; per-layer views leave it out, per-kind views
// show it as kind "other"), has no FLOPs or bytes, starts at the step's start and lasts the sum of
// the step's gaps, which lie between the op spans.
inline constexpr int32_t kStepLayer = -2;
inline constexpr const char* kOtherOp = "other";
inline bool is_other(const SpanRecord& s) { return s.layer == kStepLayer && s.op == kOtherOp; }

// One prefill or decode step, with the KV-cache sample taken at its end.
struct StepRecord {
  int64_t step = 0;
  Phase phase = Phase::Prefill;
  int64_t tokens = 0;  // tokens processed in the step (all sequences)
  int64_t start_ns = 0;
  int64_t duration_ns = 0;
  uint64_t kv_allocated_bytes = 0;
  uint64_t kv_used_bytes = 0;
  std::map<std::string, uint64_t> kv_used_by_kind;  // "full", "sliding", "chunked", "mla", "linear"
  int64_t context_tokens = 0;  // tokens cached per sequence after the step (longest sequence)
};

// Tokens routed to each expert of one MoE layer in one step.
struct ExpertCountRecord {
  int64_t step = 0;
  int32_t layer = 0;
  std::vector<int64_t> tokens_per_expert;
};

// Residual-stream statistics after a layer in one step.
struct ActivationRecord {
  int64_t step = 0;
  int32_t layer = 0;
  double rms = 0;
  bool finite = true;     // no NaN / Inf in the residual stream after this layer
  std::string first_bad_op;  // where a NaN/Inf first appeared in this layer, when !finite
};

}  // namespace archscope::prof
