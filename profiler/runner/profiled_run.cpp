#include "runner/profiled_run.hpp"

#include <algorithm>
#include <ctime>
#include <exception>
#include <utility>

#include "common/error.hpp"
#include "config/config_json.hpp"
#include "generate/sampler.hpp"
#include "runner/run_model.hpp"
#include "runner/step_costs.hpp"
#include "runner/step_records.hpp"

namespace archscope::prof {

namespace {

void validate(const RunOptions& o) {
  if (o.prompt < 1) throw Error(ErrorKind::Validation, "--prompt", "must be at least 1");
  if (o.new_tokens < 1) throw Error(ErrorKind::Validation, "--new", "must be at least 1");
  if (o.batch < 1) throw Error(ErrorKind::Validation, "--batch", "must be at least 1");
  if (o.threads < 0) throw Error(ErrorKind::Validation, "--threads", "must be at least 1");
  if (!o.prompt_ids.empty() && static_cast<int64_t>(o.prompt_ids.size()) != o.prompt)
    throw Error(ErrorKind::Internal, "--prompt", "prompt ids and prompt length disagree");
}

RunModelOptions model_options(const RunOptions& o, int threads) {
  RunModelOptions m;
  m.hf_dir = o.hf_dir;
  m.random = o.random_init;
  m.random.seed = o.seed;
  m.weights = o.weights;
  m.kv = Elem::F32;
  m.threads = threads;
  m.sequences = o.batch;
  m.tokens_per_sequence = o.prompt + o.new_tokens;
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

}  // namespace

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
  validate(options_);
  env_ = capture_environment(options_.threads);
  info_.started_at = utc_now_iso();
  info_.name = options_.name.empty() ? config_.name + " " + info_.started_at : options_.name;
  info_.model = config_.name;
  info_.config_json = config_to_json(config_).dump();
  info_.backend = "cpu";
  info_.device = env_.cpu_model + ", " + std::to_string(env_.threads) + " threads";
  info_.weights_dtype = to_string(dtype_of(options_.weights));
  info_.kv_dtype = to_string(DType::F32);
  info_.batch = options_.batch;
  info_.prompt_tokens = options_.prompt;
  info_.new_tokens = options_.new_tokens;
  info_.threads = env_.threads;
  info_.version = env_.version;
  info_.git_revision = env_.git_revision;
  model_ = std::make_unique<RunModel>(config_, model_options(options_, static_cast<int>(env_.threads)),
                                      options_.source.empty() ? config_.name : options_.source);
}

ProfiledRun::~ProfiledRun() = default;

RunResult ProfiledRun::run(EventChannel& channel) {
  RunResult result;
  RunData& data = result.data;
  data.run = info_;
  channel.publish(RunStarted{info_, env_});

  CheckedBackend& be = model_->backend();
  Stream& s = be.default_stream();
  PagedKvCache& cache = model_->cache();
  Model& model = model_->model();
  RunObserver observer(be, options_.observe, config_.moe.experts);
  model.set_observer(&observer);

  PlanOptions plan;
  plan.batch = options_.batch;
  plan.weights = dtype_of(options_.weights);
  plan.kv = DType::F32;
  plan.activations = DType::F32;  // the CPU engine computes in fp32
  plan.logits_last_only = true;  // the forward below computes each sequence's last logits row only

  // Prompts: random token ids from a stream of their own, apart from the weights'.
  SplitMix64 rng(options_.seed ^ 0x70726f6d7074ULL);  // "prompt"
  std::vector<SequenceStep> batch;
  for (int64_t b = 0; b < options_.batch; ++b) {
    SequenceStep q{cache.add_sequence(), {}};
    for (int64_t i = 0; i < options_.prompt; ++i)
      q.tokens.push_back(static_cast<int32_t>(rng.next() % static_cast<uint64_t>(config_.vocab_size)));
    if (!options_.prompt_ids.empty()) q.tokens = options_.prompt_ids;
    batch.push_back(std::move(q));
  }
  result.generated.assign(batch.size(), {});
  std::vector<bool> at_stop(batch.size(), false);

  std::vector<float> host_logits;
  try {
    for (int64_t step = 0; step <= options_.new_tokens; ++step) {
      const bool prefill = step == 0;
      const int64_t context = cache.length(batch.front().seq);  // before the step
      std::vector<int64_t> rows;  // one logits row per sequence: its last token
      for (int64_t b = 0; b < options_.batch; ++b) rows.push_back(b);

      observer.begin_step(s);
      const Tensor logits = model.forward(cache, batch, LogitRows::LastPerSequence);
      download_rows(be, s, logits, rows, host_logits);  // part of the step, as a user sees it
      observer.end_step(s);
      be.synchronize(s);

      // Bookkeeping after the step's time window: the plan of this step, then the records.
      plan.phase = prefill ? archscope::Phase::Prefill : archscope::Phase::Decode;
      plan.tokens = prefill ? options_.prompt : 1;
      plan.context = prefill ? 0 : context;
      const StepCosts costs(config_, plan);
      const StepObservation obs = observer.take_step();
      StepMeta meta{step, prefill ? prof::Phase::Prefill : prof::Phase::Decode,
                    options_.batch * (prefill ? options_.prompt : 1), cache.length(batch.front().seq)};
      StepRecords rec = step_records(meta, obs, costs, cache.accounting());

      if (options_.observe.spans) channel.publish(SpanBatch{rec.spans});
      channel.publish(StepFinished{rec.step});
      if (!rec.expert_counts.empty()) channel.publish(ExpertCounts{rec.expert_counts});
      if (!rec.activations.empty()) channel.publish(Activations{rec.activations});
      data.steps.push_back(std::move(rec.step));
      data.spans.insert(data.spans.end(), rec.spans.begin(), rec.spans.end());
      data.expert_counts.insert(data.expert_counts.end(), rec.expert_counts.begin(), rec.expert_counts.end());
      data.activations.insert(data.activations.end(), rec.activations.begin(), rec.activations.end());

      if (obs.first_bad) {
        result.nan = NanSite{step, obs.first_bad->layer, obs.first_bad->op};
        data.run.status = RunStatus::Failed;
        data.run.failure = nan_reason(*result.nan, obs.first_bad->nan);
        break;
      }
      if (step < options_.new_tokens && options_.stop && options_.stop()) {
        data.run.status = RunStatus::Interrupted;
        data.run.failure = "interrupted after step " + std::to_string(step) + " of " +
                           std::to_string(options_.new_tokens);
        break;
      }
      const std::vector<int32_t> next = greedy_rows(host_logits, batch.size());
      bool all_stopped = !options_.stop_ids.empty();
      for (size_t b = 0; b < batch.size(); ++b) {
        batch[b].tokens.assign(1, next[b]);
        result.generated[b].push_back(next[b]);
        if (options_.on_token) options_.on_token(b, next[b]);
        const auto& ids = options_.stop_ids;
        at_stop[b] = at_stop[b] || std::find(ids.begin(), ids.end(), next[b]) != ids.end();
        all_stopped = all_stopped && at_stop[b];
      }
      if (all_stopped) break;  // every sequence reached EOS
    }
  } catch (const std::exception& e) {
    model.set_observer(nullptr);
    data.run.status = RunStatus::Failed;
    data.run.failure = e.what();
    data.run.finished_at = utc_now_iso();
    channel.publish(RunFailed{data.run, data.run.failure, std::nullopt, 0});
    throw;
  }
  model.set_observer(nullptr);
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

}  // namespace archscope::prof
