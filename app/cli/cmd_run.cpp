// `archscope run`: a profiled prefill + decode on the engine (--backend), recorded into the run
// database (profiler/session/recorded_run.hpp) and shown live by the terminal view, unless --json.
// Ctrl-C stops the run before the next op (within a second even in a long prefill), marks it
// `interrupted` and exits 130; a second Ctrl-C kills the process at once. A run that hits
// NaN/Inf is stored as failed and exits 1.
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "cli/engine_options.hpp"
#include "cli/layers_option.hpp"
#include "cli/model_source.hpp"
#include "cli/stored_runs.hpp"
#include "cli/terminal_view.hpp"
#include "cli/text_prompt.hpp"
#include "common/error.hpp"
#include "events/subscriber_thread.hpp"
#include "export/record_json.hpp"
#include "generate/engine_model.hpp"
#include "gpu/gpu_tracer.hpp"
#include "run_report/run_slice.hpp"
#include "runner/profiled_run.hpp"
#include "session/recorded_run.hpp"
#include "store/interrupt.hpp"

namespace archscope::cli {

namespace {

struct RunCommandOptions {
  ModelSource source;
  std::string backend = "cpu";
  std::vector<std::string> kernels;
  std::string prompt = "128";  // a token count, or a text prompt (text_prompt.hpp)
  TextPromptOptions text;
  int64_t new_tokens = 32;
  int64_t batch = 1;
  int threads = 0;
  uint64_t seed = 0;
  std::string weights_dtype = default_weights_dtype();
  std::string weights_quant;
  std::string kv_dtype = "fp32";
  CLI::Option* weights_dtype_option = nullptr;
  std::string name;
  std::string db;
  int64_t prefill_chunk = 1024;
  int64_t warmup = 1;
  int64_t repeat = 1;
  std::string checks = "on";
  bool no_spans = false;
  std::string cupti = "auto";
  int64_t cupti_sample = prof::kDefaultCuptiSample;
  CLI::Option* cupti_sample_option = nullptr;
  bool json = false;
  std::string layers;  // --layers A:B
};

// --cupti: auto is on for a CUDA backend with spans where this build has CUPTI, else off; on
// where it cannot work is an error rather than a run without the records asked for.
bool cupti_wanted(const std::string& mode, const BackendSpec& backend, bool spans) {
  if (mode != "auto" && mode != "on" && mode != "off")
    throw Error(ErrorKind::Validation, "--cupti", "'" + mode + "' is none of auto, on, off");
  const bool cuda = backend.kind == BackendKind::Cuda;
  if (mode == "auto") return cuda && spans && prof::gpu::cupti_compiled();
  if (mode == "off") return false;
  if (!cuda)
    throw Error(ErrorKind::Validation, "--cupti",
                "on needs --backend cuda (CUPTI traces CUDA kernels)");
  if (!spans) throw Error(ErrorKind::Validation, "--cupti", "on needs op spans (drop --no-spans)");
  if (!prof::gpu::cupti_compiled())
    throw Error(ErrorKind::Unsupported, "--cupti", prof::gpu::cupti_absent_reason());
  return true;
}

constexpr size_t kViewQueue = 256;  // the view may drop: it says so

// Async-signal-safe: an atomic store, or, at the second Ctrl-C, the default action.
void on_sigint(int) {
  if (prof::store::interrupt_requested()) {
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
    return;
  }
  prof::store::request_interrupt();
}

int run_profiled(const RunCommandOptions& o) {
  // --cupti first: its refusals do not depend on the machine (backend_spec checks the device).
  const bool cupti = cupti_wanted(o.cupti, parse_backend_spec(o.backend, o.kernels), !o.no_spans);
  if (o.cupti_sample_option->count() > 0 && !cupti)
    throw Error(ErrorKind::Validation, "--cupti-sample",
                "samples CUPTI kernel records: needs --cupti on (or auto on a CUDA backend)");
  const BackendSpec backend =
      backend_spec(o.backend, o.kernels);  // before the store or the model is opened
  const WeightsChoice weights =
      weights_choice(o.weights_dtype, o.weights_dtype_option->count() > 0, o.weights_quant);
  const ModelConfig config = load_model_config(o.source);
  prof::RunOptions ro;
  ro.backend = backend;
  ro.batch = o.batch;
  // --prompt N is a number of random prompt tokens; any other --prompt (or --prompt-file) is text.
  const bool count =
      !o.prompt.empty() && o.prompt.find_first_not_of("0123456789") == std::string::npos;
  if (count && o.prompt.size() > 9)
    throw Error(ErrorKind::Validation, "--prompt", "token count " + o.prompt + " is too large");
  TextPromptOptions text_options = o.text;
  text_options.prompt = o.prompt;
  const auto text = load_text_prompt(text_options, !count, o.source.model_dir, config.vocab_size);
  ro.prompt = count && !text ? std::stoll(o.prompt) : 0;
  if (text) {
    ro.prompt_ids = text->ids;
    ro.prompt = static_cast<int64_t>(text->ids.size());
    ro.stop_ids = text->eos;
  }
  ro.new_tokens = o.new_tokens;
  ro.threads = o.threads;
  ro.seed = o.seed;
  ro.name = o.name;
  ro.source = o.source.describe();
  ro.hf_dir = o.source.model_dir;
  ro.weights = weights.weights;
  ro.weights_quant = weights.quant;
  ro.kv = kv_dtype_option(o.kv_dtype);
  ro.prefill_chunk = o.prefill_chunk;
  ro.warmup = o.warmup;
  ro.repeat = o.repeat;
  ro.observe.spans = !o.no_spans;
  ro.cupti = cupti;
  ro.cupti_optional = o.cupti == "auto";
  ro.cupti_sample = o.cupti_sample;
  if (o.checks != "on" && o.checks != "off")
    throw Error(ErrorKind::Validation, "--checks", "'" + o.checks + "' is neither on nor off");
  ro.observe.activations = ro.observe.op_checks = o.checks == "on";
  ro.stop = [] { return prof::store::interrupt_requested(); };
  ro.layers = layers_option(o.layers, config);

  // The live view; with a text prompt it shows sequence 0's text as the last pass generates it.
  std::optional<TerminalView> view;
  if (!o.json) view.emplace(std::cout, ::isatty(STDOUT_FILENO) == 1);
  std::optional<tok::DecodeStream> stream;
  if (text && view) {
    stream.emplace(*text->tokenizer, /*skip_special=*/true);
    ro.on_token = [&stream, &view](size_t seq, int32_t token) {
      if (seq != 0) return;
      if (auto chunk = stream->step(static_cast<uint32_t>(token))) view->append_text(*chunk);
    };
  }

  prof::validate_run_options(ro);  // bad options fail before the database is opened or created
  prof::store::RunStore store = open_run_store(o.db);  // a bad --db fails before the model loads
  prof::ProfiledRun run(config, ro);
  prof::session::RecordedRun recorded(store, run);
  const int64_t id = recorded.id();

  prof::store::clear_interrupt();
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  struct sigaction previous {};
  sigaction(SIGINT, &sa, &previous);

  std::optional<prof::SubscriberThread> view_thread;
  if (view) {
    view_thread.emplace(recorded.channel(), "terminal", kViewQueue,
                        [&view](const prof::Event& e) { view->on_event(e); });
  }

  std::optional<prof::session::RecordedResult> result;
  std::exception_ptr error;
  try {
    result = recorded.run();
  } catch (...) {
    error = std::current_exception();  // already stored as the run's failure
  }
  if (view_thread) view_thread->join();
  sigaction(SIGINT, &previous, nullptr);
  if (error) std::rethrow_exception(error);
  if (result->writer_dropped > 0)
    std::cerr << "archscope: warning: the database writer missed " << result->writer_dropped
              << " events of run " << id << "\n";
  if (!result->result.cupti_unavailable.empty())
    std::cerr << "archscope: warning: no kernel records (CUPTI: "
              << result->result.cupti_unavailable << "); op spans were timed with CUDA events\n";

  const prof::RunData& d = result->result.data;
  // A slice's whole-model estimate, from the same records the store holds.
  const std::optional<prof::SliceEstimate> slice =
      views::run_slice_estimate(d.run, d.steps, d.spans);
  if (o.json) {
    nlohmann::json j;
    j["run_id"] = id;
    j["name"] = d.run.name;
    j["status"] = prof::to_string(d.run.status);
    j["backend"] = d.run.backend;
    j["device"] = d.run.device;
    if (!d.run.failure.empty()) j["failure"] = d.run.failure;
    j["db"] = store.path().string();
    j["summary"] = prof::to_json(result->result.summary);
    if (slice) j["slice"] = views::slice_json(*slice);
    if (text) {
      const auto& g = result->result.generated.front();
      j["prompt_ids"] = text->ids;
      j["ids"] = g;
      j["text"] = text->tokenizer->decode({g.begin(), g.end()}, /*skip_special=*/true);
    }
    std::cout << j.dump(2) << "\n";
  } else {
    if (text) {  // the text of sequence 0, after the live view has finished drawing
      const auto& g = result->result.generated.front();
      std::cout << text->tokenizer->decode({g.begin(), g.end()}, /*skip_special=*/true) << "\n";
    }
    if (slice)
      for (const std::string& line : views::slice_text(*slice)) std::cout << line << "\n";
  }
  switch (d.run.status) {
    case prof::RunStatus::Complete:
      return 0;
    case prof::RunStatus::Interrupted:
      std::cerr << "archscope: run " << id << " interrupted\n";
      return 130;
    default:
      std::cerr << "archscope: error: run " << id << " failed: " << d.run.failure << "\n";
      return 1;
  }
}

}  // namespace

Command add_run_command(CLI::App& root) {
  auto o = std::make_shared<RunCommandOptions>();
  CLI::App* sub =
      root.add_subcommand("run", "Profile prefill and decode on the engine and store the run");
  add_model_source(*sub, o->source, /*with_model_dir=*/true);
  add_backend_option(*sub, o->backend);
  add_kernel_option(*sub, o->kernels);
  sub->add_option(
         "--prompt", o->prompt,
         "N: a prompt of N random token ids per sequence; any other value: a text prompt, "
         "tokenized with the model's tokenizer, generation stopping at EOS, the text shown in the "
         "live view as it is generated (on a terminal) and printed at the end (for a text of "
         "digits only use --prompt-file)")
      ->capture_default_str();
  add_text_prompt_options(*sub, o->text);
  sub->add_option("--new", o->new_tokens, "Decode steps")->capture_default_str();
  sub->add_option("--batch", o->batch, "Sequences decoded together")->capture_default_str();
  sub->add_option("--threads", o->threads, "CPU threads (default: one per logical CPU)");
  sub->add_option("--seed", o->seed, "Seed of random weights and prompts");
  o->weights_dtype_option = sub->add_option("--weights-dtype", o->weights_dtype, kWeightsDtypeHelp)
                                ->capture_default_str();
  add_weights_quant_option(*sub, o->weights_quant);
  add_kv_dtype_option(*sub, o->kv_dtype);
  sub->add_option("--name", o->name, "Run name (default: model and start time)");
  sub->add_option(
         "--prefill-chunk", o->prefill_chunk,
         "Prompt tokens per sequence per prefill step (0: the whole prompt in one step); a long "
         "prompt is prefilled in chunks so no op grows with it and Ctrl-C acts within a chunk")
      ->capture_default_str();
  sub->add_option(
         "--warmup", o->warmup,
         "Passes (prefill + decode of the same shape) run first and not recorded, so caches, "
         "pages and thread pools are warm")
      ->capture_default_str();
  sub->add_option("--repeat", o->repeat,
                  "Measured passes, all recorded; summaries report the median over them")
      ->capture_default_str();
  sub->add_option(
         "--checks", o->checks,
         "NaN/Inf and residual-RMS checks after every op and layer: on or off (their cost: "
         "docs/profiling.md)")
      ->capture_default_str();
  add_db_option(*sub, o->db);
  sub->add_flag("--no-spans", o->no_spans, "Do not time individual ops (steps are still timed)");
  sub->add_option("--cupti", o->cupti,
                  "CUDA kernel records: auto (default: on with --backend cuda where this build has "
                  "CUPTI), on, off. On, op spans come from the kernels CUPTI records for each op "
                  "(no per-op events) and every kernel, copy and memset is stored with its op and "
                  "layer (`kernels` table, report's kernels section, GPU track of the trace); "
                  "off, op spans come from CUDA events around each op (+99 to +105% on a "
                  "bench-1b decode step on an H200). CUPTI traces the steps --cupti-sample "
                  "picks; docs/profiling.md has what each costs. --no-spans times steps only")
      ->capture_default_str();
  o->cupti_sample_option =
      sub->add_option("--cupti-sample", o->cupti_sample,
                      "With CUPTI on: trace the first decode step of each pass and every Nth "
                      "after it (prefill always; 1: every step, then eager launches are joined "
                      "to their ops through CUPTI's external correlation records, cheaper there "
                      "than the callbacks sampled runs use; ARCHSCOPE_CUPTI_CORRELATION=api|"
                      "callbacks overrides); the other steps run untraced, "
                      "with step times, expert counts and device memory but no op spans or "
                      "kernel records. Per-step op and kernel figures are means over the traced "
                      "steps. A traced decode step takes a few ms more (CUPTI's cost); the default "
                      "traces so few that decode time stays within 2% of an untraced run "
                      "(docs/profiling.md)")
          ->capture_default_str();
  add_layers_option(*sub, o->layers);
  sub->add_flag("--json", o->json,
                "Print one JSON object with run_id and the summary at the end (and, with --layers, "
                "the extrapolated whole-model estimate under \"slice\")");
  return {sub, [o] { return run_profiled(*o); }};
}

}  // namespace archscope::cli
