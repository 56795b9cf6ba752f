// A profiled run: prefill of `batch` random prompts of `prompt` tokens, then `new_tokens` greedy
// decode steps of the whole batch, on the backend the options name, observed op by op. That pass runs `warmup`
// times unrecorded, then `repeat` times recorded (the same prompts each time, on fresh cache
// sequences); the summaries report medians over the recorded passes. It publishes the run on an
// EventChannel as it goes (events/events.hpp): RunStarted (config and environment), then per
// recorded step a SpanBatch (when spans are on), ExpertCounts (MoE models), Activations (when
// checks are on) and StepFinished (with the KV-cache sample; it closes the step), StepProgress
// during long steps and warm-up, and finally RunFinished, or RunFailed with the reason: a NaN/Inf
// in the forward pass fails the run at the end of its step naming the step, layer and op where it
// first appeared; stop() returning true ends the run as interrupted, before the next op (a step cut
// short is not recorded) or after a step.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/layer_range.hpp"
#include "config/model_config.hpp"
#include "events/channel.hpp"
#include "events/environment.hpp"
#include "export/run_data.hpp"
#include "metrics/run_summary.hpp"
#include "model/random_source.hpp"
#include "registry/registry.hpp"
#include "runner/run_observer.hpp"
#include "stack/model_stack.hpp"

namespace archscope::prof {

// The default of RunOptions::cupti_sample (`run --cupti-sample`): the prefill, the first decode
// step of each pass and every 512th after it are traced. A traced decode step costs 1.4-6.7 ms
// more than an untraced one on bench-1b (H200, ~1.3 ms steps: CUPTI resumes and instruments the
// step's launches), while untraced steps ran within the run-to-run noise of an untraced run; with
// every 32nd step traced a 64-step decode took +6% to +13% (mean) longer. Measured and argued in
// docs/profiling.md, "What tracing costs on CUDA".
inline constexpr int64_t kDefaultCuptiSample = 512;

class RunModel;
class PassControl;

struct RunOptions {
  BackendSpec backend;      // cpu, cuda:N (recorded with the run as runs.backend)
  int64_t batch = 1;
  int64_t prompt = 128;     // tokens per sequence
  int64_t new_tokens = 32;  // decode steps
  int threads = 0;          // 0: one per logical CPU
  uint64_t seed = 0;        // random weights and prompts
  std::string name;         // empty: "<model> <started_at>"
  std::string source;       // how the model was named ("--preset bench-1b"), for messages
  std::filesystem::path hf_dir;  // empty: random weights
  Elem weights = kDefaultWeightsElem;
  std::optional<quant::Format> weights_quant;  // block linear weights quantized at load (F32 weights)
  Elem kv = Elem::F32;  // KV cache element type (kv/kv_dtype.hpp), recorded as the run's kv_dtype
  RandomInitOptions random_init;  // its seed is replaced by `seed`
  // Prompt tokens per sequence per prefill step; 0: the whole prompt in one step. A chunked
  // prefill is several prefill steps, each attending to the chunks before it: Ctrl-C and progress
  // act within a chunk, and no single op grows with the whole prompt.
  int64_t prefill_chunk = 0;
  int64_t warmup = 0;  // unrecorded passes before the measured ones
  int64_t repeat = 1;  // measured (recorded) passes, >= 1
  // observe.activations and observe.op_checks are the numeric checks (`run --checks on|off`).
  ObserverOptions observe;  // its tracer is set by run() when `cupti` is on
  // CUPTI kernel records and GPU spans from them (CUDA backend, spans on; gpu/gpu_tracer.hpp).
  // On with a backend CUPTI cannot trace, or in a build without CUPTI: Error(Unsupported).
  bool cupti = false;
  // With `cupti` on: where CUPTI refuses to start (another profiler holds it, no permission), run
  // with event-timed spans instead of failing, and say why in RunResult::cupti_unavailable.
  bool cupti_optional = false;
  // With `cupti` on: trace every Nth decode step of a pass (its first, then every Nth; prefill
  // steps always). Untraced steps carry their step time, device memory and expert counts but no
  // op spans and no kernel records, and none of the tracer's cost; per-step span and kernel
  // figures are means over the traced steps (RunSummary's PhaseTimes::units). 1: every step.
  int64_t cupti_sample = kDefaultCuptiSample;
  std::function<bool()> stop;  // polled before every op and after each step; may be empty
  // A given prompt (a tokenized text) for every sequence instead of random ids; `prompt` must be
  // its length. The run then ends early once every sequence has produced one of `stop_ids` (EOS).
  std::vector<int32_t> prompt_ids;
  std::vector<int32_t> stop_ids;
  std::function<void(size_t, int32_t)> on_token;  // (sequence, token) as each greedy token is chosen
  // Layers A..B only (engine/config/layer_range.hpp), at the model's real width, with its
  // embedding and head; recorded with the run. Needs op spans (the per-layer times of the
  // whole-model estimate come from them) and random weights.
  std::optional<LayerRange> layers;
};

struct RunResult {
  RunData data;  // data.run is final: status, failure, finished_at
  std::vector<std::vector<int32_t>> generated;  // greedy tokens per sequence, one per step
  RunSummary summary;
  std::optional<NanSite> nan;  // where a non-finite value first appeared (failed runs)
  std::string cupti_unavailable;  // why CUPTI was asked for (optionally) and not used; else empty
  // With a CUPTI tracer: how eager launches were joined to their ops, "api" or "callbacks"
  // (gpu/correlation_join.hpp: api when every step is traced); else empty.
  std::string cupti_join;
};

class ProfiledRun {
 public:
  // Validates the options (Error Validation naming --prompt / --new / --batch / --threads), checks
  // the memory and builds the model.
  ProfiledRun(const ModelConfig& config, const RunOptions& options);
  ~ProfiledRun();

  // The run row as announced; set info().id before run() when a store assigned one.
  RunInfo& info() { return info_; }
  const RunEnvironment& environment() const { return env_; }

  // Runs to the end, publishing on `channel` (which it does not close). Engine errors are published
  // as RunFailed and rethrown. Call once.
  RunResult run(EventChannel& channel);

 private:
  struct Pass;
  void run_pass(Pass& pass, EventChannel& channel, RunObserver& observer, PassControl& control,
                int64_t& recorded, RunResult& result);

  ModelConfig config_;
  RunOptions options_;
  RunEnvironment env_;
  RunInfo info_;
  std::unique_ptr<RunModel> model_;
};

// Error(Validation) naming the option (--prompt, --new, --batch, --threads, --warmup, --repeat).
// ProfiledRun's constructor calls it; callers that open files first may call it before.
void validate_run_options(const RunOptions& options);

// The current UTC time as ISO-8601 ("2026-11-25T13:05:00Z").
std::string utc_now_iso();

}  // namespace archscope::prof
