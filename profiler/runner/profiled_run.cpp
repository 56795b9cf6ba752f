#include "runner/profiled_run.hpp"

#include <algorithm>
#include <ctime>
#include <exception>
#include <filesystem>
#include <utility>

#include "common/error.hpp"
#include "config/config_json.hpp"
#include "generate/sampler.hpp"
#include "runner/pass_control.hpp"
#include "runner/run_model.hpp"
#include "runner/step_costs.hpp"
#include "runner/step_records.hpp"

namespace archscope::prof {

namespace {

RunModelOptions model_options(const RunOptions& o, int threads) {
  RunModelOptions m;
  m.backend = o.backend;
  m.hf_dir = o.hf_dir;
  m.random = o.random_init;
  m.random.seed = o.seed;
  m.weights = o.weights;
  m.weights_quant = o.weights_quant;
  m.kv = o.kv;
  m.threads = threads;
  m.sequences = o.batch;
  m.tokens_per_sequence = o.prompt + o.new_tokens;
  m.layers = o.layers;
  return m;
}

std::string nan_reason(const NanSite& site, bool nan) {
  std::string where = site.layer < 0 ? "the embedding" : "layer " + std::to_string(site.layer);
  if (!site.op.empty()) where += ", op " + site.op;
  return std::string(nan ? "NaN" : "Inf") + " in the forward pass: first at step " + std::to_string(site.step) +
         ", " + where;
}

// The last logits row of each sequence, read through the backend into `host` [rows, vocab].
void download_rows(Backend& be, Stream& s, const Tensor& logits, const std::vector<int64_t>& rows,
                   std::vector<float>& host) {
  const size_t vocab = static_cast<size_t>(logits.dim(1));
  host.resize(rows.size() * vocab);
  for (size_t i = 0; i < rows.size(); ++i) be.download(s, logits.slice_rows(rows[i], 1), host.data() + i * vocab);
  be.synchronize(s);
}

// Greedy next token of each sequence. Only after the step's NaN check: the sampler refuses NaN.
std::vector<int32_t> greedy_rows(const std::vector<float>& host, size_t rows) {
  const size_t vocab = host.size() / rows;
  std::vector<int32_t> out;
  for (size_t i = 0; i < rows; ++i) out.push_back(greedy_token(std::span<const float>(host.data() + i * vocab, vocab)));
  return out;
}

// What re-creates the run's weights later: the checkpoint directory as an absolute path (the
// process's working directory is gone by then), or the seed and init of the random weights.
WeightsSource weights_source(const RunOptions& o) {
  WeightsSource w;
  if (!o.hf_dir.empty()) {
    w.origin = WeightsOrigin::Checkpoint;
    std::filesystem::path dir = std::filesystem::absolute(o.hf_dir).lexically_normal();
    if (dir.filename().empty() && dir.has_parent_path() && dir != dir.root_path())
      dir = dir.parent_path();  // "x/" names the same directory as "x"
    w.checkpoint = dir.string();
    return w;
  }
  w.origin = WeightsOrigin::Random;
  w.seed = o.seed;  // replaces random_init.seed (model_options)
  w.heavy_tailed = o.random_init.heavy_tailed;
  if (w.heavy_tailed) {
    w.outlier_fraction = o.random_init.outlier_fraction;
    w.outlier_scale = o.random_init.outlier_scale;
  }
  return w;
}

}  // namespace

void validate_run_options(const RunOptions& o) {
  if (o.prompt < 1) throw Error(ErrorKind::Validation, "--prompt", "must be at least 1");
  if (o.new_tokens < 1) throw Error(ErrorKind::Validation, "--new", "must be at least 1");
  if (o.batch < 1) throw Error(ErrorKind::Validation, "--batch", "must be at least 1");
  if (o.threads < 0) throw Error(ErrorKind::Validation, "--threads", "must be at least 1");
  if (o.warmup < 0) throw Error(ErrorKind::Validation, "--warmup", "must be 0 or more");
  if (o.repeat < 1) throw Error(ErrorKind::Validation, "--repeat", "must be at least 1");
  if (o.prefill_chunk < 0)
    throw Error(ErrorKind::Validation, "--prefill-chunk", "must be 0 (no chunks) or more");
  if (o.cupti_sample < 1)
    throw Error(ErrorKind::Validation, "--cupti-sample", "must be at least 1 (1: every step)");
  if (o.layers && !o.observe.spans)
    throw Error(ErrorKind::Validation, "--layers",
                "a layer slice needs op spans (its whole-model estimate is built from per-layer "
                "times); drop --no-spans");
  if (o.layers && !o.hf_dir.empty())
    throw Error(ErrorKind::Unsupported, "--layers",
                "a layer slice runs seeded random weights only; drop --model-dir");
  if (!o.prompt_ids.empty() && static_cast<int64_t>(o.prompt_ids.size()) != o.prompt)
    throw Error(ErrorKind::Internal, "--prompt", "prompt ids and prompt length disagree");
}

std::string utc_now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

ProfiledRun::ProfiledRun(const ModelConfig& config, const RunOptions& options)
    : config_(config), options_(options) {
  validate_run_options(options_);
  env_ = capture_environment(options_.threads);
  info_.started_at = utc_now_iso();
  info_.name = options_.name.empty() ? config_.name + " " + info_.started_at : options_.name;
  info_.model = config_.name;
  info_.config_json = config_to_json(config_).dump();
  info_.backend = options_.backend.description();
  info_.device = options_.backend.kind == BackendKind::Cpu
                     ? env_.cpu_model + ", " + std::to_string(env_.threads) + " threads"
                     : device_of(options_.backend).name;
  info_.weights_dtype = to_string(dtype_of(options_.weights));
  if (options_.weights_quant) info_.weights_quant = quant::to_string(*options_.weights_quant);
  info_.weights_source = weights_source(options_);
  info_.kv_dtype = to_string(dtype_of(options_.kv));
  info_.batch = options_.batch;
  info_.prompt_tokens = options_.prompt;
  info_.new_tokens = options_.new_tokens;
  info_.threads = env_.threads;
  info_.warmup = options_.warmup;
  info_.repeat = options_.repeat;
  info_.checks = options_.observe.activations || options_.observe.op_checks;
  info_.prefill_chunk = options_.prefill_chunk;
  if (options_.layers) {
    check_layer_range(*options_.layers, config_);
    info_.layer_first = options_.layers->first;
    info_.layer_last = options_.layers->last;
  }
  info_.version = env_.version;
  info_.git_revision = env_.git_revision;
  model_ = std::make_unique<RunModel>(config_, model_options(options_, static_cast<int>(env_.threads)),
                                      options_.source.empty() ? config_.name : options_.source);
  // A checkpoint published quantized (gpt-oss MXFP4, DeepSeek-V3 FP8 blocks) records its own
  // format: what the run's weights hold, dequantized into weights_dtype (the loader refuses
  // --weights-quant on such a checkpoint, so the two never meet).
  if (const auto& c = model_->stack().weights().quantization.checkpoint; c && info_.weights_quant.empty())
    info_.weights_quant = quant::to_string(c->format);
}

ProfiledRun::~ProfiledRun() = default;

// One pass's state: the batch's sequences and where the records go.
struct ProfiledRun::Pass {
  int64_t index = 0;
  bool warmup = false;
  std::vector<SequenceStep> batch;
  const std::vector<std::vector<int32_t>>* prompts = nullptr;
  std::vector<bool> at_stop;  // per sequence: produced one of the stop ids
};

RunResult ProfiledRun::run(EventChannel& channel) {
  RunResult result;
  RunData& data = result.data;
  data.run = info_;
  channel.publish(RunStarted{info_, env_});
  if (const WeightQuantization& q = model_->stack().weights().quantization; q.scheme) {
    WeightsQuantized wq{quant::to_string(*q.scheme), q.bits_per_weight(), {}};
    for (const QuantizedTensor& t : q.tensors)
      wq.tensors.push_back({t.name, t.layer, t.elements, t.signal, t.noise, t.storage_bits});
    channel.publish(std::move(wq));
  }

  CheckedBackend& be = model_->backend();
  Model& model = model_->model();
  // The tracer starts before the first forward pass, so every CUDA graph is built under it.
  std::unique_ptr<gpu::GpuTracer> tracer;
  ObserverOptions observe = options_.observe;
  if (options_.cupti && observe.spans) {
    try {
      const gpu::CorrelationJoin join = gpu::choose_correlation_join(options_.cupti_sample);
      tracer = gpu::make_gpu_tracer(be.inner(), join);
      observe.tracer = tracer.get();
      result.cupti_join = gpu::to_string(join);
    } catch (const Error& e) {
      if (!options_.cupti_optional || e.kind() != ErrorKind::Unsupported) throw;
      result.cupti_unavailable = e.message();
    }
  }
  RunObserver observer(be, observe, config_.moe.experts);
  PassControl control(channel, options_.stop);
  model.set_observer(&observer);
  model.set_control(&control);

  // Prompts: random token ids from a stream of their own, apart from the weights'; the same for
  // every pass, so every pass does the same work.
  SplitMix64 rng(options_.seed ^ 0x70726f6d7074ULL);  // "prompt"
  std::vector<std::vector<int32_t>> prompts(static_cast<size_t>(options_.batch));
  for (auto& p : prompts)
    for (int64_t i = 0; i < options_.prompt; ++i)
      p.push_back(static_cast<int32_t>(rng.next() % static_cast<uint64_t>(config_.vocab_size)));
  if (!options_.prompt_ids.empty())
    for (auto& p : prompts) p = options_.prompt_ids;
  result.generated.assign(prompts.size(), {});

  const int64_t passes = options_.warmup + options_.repeat;
  int64_t recorded = 0;  // index of the next recorded step
  try {
    for (int64_t p = 0; p < passes && data.run.status == RunStatus::Running; ++p) {
      Pass pass{p, p < options_.warmup, {}, &prompts, std::vector<bool>(prompts.size(), false)};
      for (const auto& prompt : prompts)
        pass.batch.push_back({model_->cache().add_sequence(), prompt});
      run_pass(pass, channel, observer, control, recorded, result);
      for (const SequenceStep& q : pass.batch) model_->cache().free_sequence(q.seq);
    }
  } catch (const ForwardCancelled&) {
    // The stop request, seen before an op: the step in flight is dropped, the run is interrupted.
    data.run.status = RunStatus::Interrupted;
    const StepProgress& at = control.at();
    data.run.failure =
        std::string("interrupted during ") +
        (at.warmup ? "warm-up pass " + std::to_string(at.pass + 1) + ", step " : "step ") +
        std::to_string(at.step) + " (" + to_string(at.phase) + ", " +
        std::to_string(at.layers_done) + " of " + std::to_string(at.layers) + " layers done)";
  } catch (const std::exception& e) {
    model.set_observer(nullptr);
    model.set_control(nullptr);
    data.run.status = RunStatus::Failed;
    data.run.failure = e.what();
    data.run.finished_at = utc_now_iso();
    channel.publish(RunFailed{data.run, data.run.failure, std::nullopt, 0});
    throw;
  }
  model.set_observer(nullptr);
  model.set_control(nullptr);
  data.run.finished_at = utc_now_iso();
  result.summary = summarize(data.steps, data.spans, data.activations);
  if (data.run.status == RunStatus::Running) {
    data.run.status = RunStatus::Complete;
    channel.publish(RunFinished{data.run, result.summary, 0});
  } else {
    channel.publish(RunFailed{data.run, data.run.failure, result.nan, 0});
  }
  return result;
}

void ProfiledRun::run_pass(Pass& pass, EventChannel& channel, RunObserver& observer,
                           PassControl& control, int64_t& recorded, RunResult& result) {
  RunData& data = result.data;
  CheckedBackend& be = model_->backend();
  Stream& s = be.default_stream();
  PagedKvCache& cache = model_->cache();
  Model& model = model_->model();
  const int64_t passes = options_.warmup + options_.repeat;

  PlanOptions plan;
  plan.batch = options_.batch;
  plan.weights = dtype_of(options_.weights);
  plan.kv = dtype_of(options_.kv);
  plan.activations = DType::F32;  // the CPU engine computes in fp32
  plan.logits_last_only = true;  // the forward below computes each sequence's last logits row only

  // The prefill in chunks of at most `chunk` tokens per sequence, then the decode steps.
  const int64_t chunk = options_.prefill_chunk > 0
                            ? std::min(options_.prefill_chunk, options_.prompt)
                            : options_.prompt;
  const int64_t chunks = (options_.prompt + chunk - 1) / chunk;
  const int64_t steps = chunks + options_.new_tokens;
  const int64_t layers =
      options_.layers ? options_.layers->count() : config_.n_layers;  // run per step

  std::vector<float> host_logits;
  std::vector<int64_t> rows;  // one logits row per sequence: its last token
  for (int64_t b = 0; b < options_.batch; ++b) rows.push_back(b);
  for (int64_t i = 0; i < steps; ++i) {
    const bool prefill = i < chunks;
    const int64_t offset = prefill ? i * chunk : 0;
    const int64_t tokens = prefill ? std::min(chunk, options_.prompt - offset) : 1;  // per sequence
    if (prefill)
      for (size_t b = 0; b < pass.batch.size(); ++b) {
        const std::vector<int32_t>& p = (*pass.prompts)[b];
        pass.batch[b].tokens.assign(p.begin() + offset, p.begin() + offset + tokens);
      }
    const int64_t step = pass.warmup ? i : recorded;
    const int64_t context = cache.length(pass.batch.front().seq);  // before the step
    control.begin_step({pass.warmup, pass.index, passes, step,
                        prefill ? Phase::Prefill : Phase::Decode, 0, layers});
    if (pass.warmup && i == 0)
      channel.publish(StepProgress{true, pass.index, passes, 0, Phase::Prefill, 0, layers});

    // Sampled tracing: prefill steps and every cupti_sample-th decode step of the pass.
    const bool traced = prefill || (i - chunks) % options_.cupti_sample == 0;
    observer.begin_step(s, traced);
    const Tensor logits = model.forward(cache, pass.batch, LogitRows::LastPerSequence);
    download_rows(be, s, logits, rows, host_logits);  // part of the step, as a user sees it
    observer.end_step(s);
    be.synchronize(s);
    const StepObservation obs = observer.take_step();

    if (!pass.warmup) {
      // Bookkeeping after the step's time window: the plan of this step, then the records.
      plan.phase = prefill ? archscope::Phase::Prefill : archscope::Phase::Decode;
      plan.tokens = tokens;
      plan.prefill_offset = offset;
      plan.context = prefill ? 0 : context;
      const StepCosts costs(config_, plan);
      StepMeta meta{step, prefill ? prof::Phase::Prefill : prof::Phase::Decode,
                    options_.batch * tokens, cache.length(pass.batch.front().seq)};
      StepRecords rec = step_records(meta, obs, costs, cache.accounting());
      // StepFinished last: it closes the step, so a subscriber (the store's writer commits there)
      // has every record of the step when it arrives.
      if (options_.observe.spans && !rec.spans.empty()) channel.publish(SpanBatch{rec.spans});
      if (!rec.expert_counts.empty()) channel.publish(ExpertCounts{rec.expert_counts});
      if (!rec.activations.empty()) channel.publish(Activations{rec.activations});
      if (!obs.kernels.empty() || obs.memory) {
        KernelBatch kb{obs.kernels, {}};
        for (KernelRecord& k : kb.kernels) k.step = step;
        if (obs.memory) {
          kb.memory.push_back(*obs.memory);
          kb.memory.back().step = step;
        }
        data.kernels.insert(data.kernels.end(), kb.kernels.begin(), kb.kernels.end());
        data.step_memory.insert(data.step_memory.end(), kb.memory.begin(), kb.memory.end());
        channel.publish(std::move(kb));
      }
      channel.publish(StepFinished{rec.step});
      data.steps.push_back(std::move(rec.step));
      data.spans.insert(data.spans.end(), rec.spans.begin(), rec.spans.end());
      data.expert_counts.insert(data.expert_counts.end(), rec.expert_counts.begin(), rec.expert_counts.end());
      data.activations.insert(data.activations.end(), rec.activations.begin(), rec.activations.end());
      ++recorded;
      if (obs.first_bad) {
        result.nan = NanSite{step, obs.first_bad->layer, obs.first_bad->op};
        data.run.status = RunStatus::Failed;
        data.run.failure = nan_reason(*result.nan, obs.first_bad->nan);
        return;
      }
    }
    const bool last = pass.index == passes - 1 && i == steps - 1;
    if (!last && options_.stop && options_.stop()) {
      data.run.status = RunStatus::Interrupted;
      data.run.failure = pass.warmup
                             ? "interrupted during warm-up pass " + std::to_string(pass.index + 1) +
                                   " of " + std::to_string(options_.warmup)
                             : "interrupted after step " + std::to_string(step) + " (" +
                                   std::to_string(recorded) + " of " +
                                   std::to_string(options_.repeat * steps) + " steps recorded)";
      return;
    }
    if (i + 1 < chunks) continue;  // the next chunk's tokens come from the prompt
    const std::vector<int32_t> next = greedy_rows(host_logits, pass.batch.size());
    // Every pass generates the same greedy tokens; the last pass's are the run's text.
    const bool last_pass = pass.index == passes - 1;
    bool all_stopped = !options_.stop_ids.empty();
    for (size_t b = 0; b < pass.batch.size(); ++b) {
      pass.batch[b].tokens.assign(1, next[b]);
      if (last_pass) {
        result.generated[b].push_back(next[b]);
        if (options_.on_token) options_.on_token(b, next[b]);
      }
      const auto& ids = options_.stop_ids;
      pass.at_stop[b] = pass.at_stop[b] || std::find(ids.begin(), ids.end(), next[b]) != ids.end();
      all_stopped = all_stopped && pass.at_stop[b];
    }
    if (all_stopped) return;  // every sequence reached EOS
  }
}

}  // namespace archscope::prof
