// `archscope run`: a profiled prefill + decode on the CPU engine. The run's events go to two
// subscribers on their own threads: the SQLite writer (every record into the run database) and,
// unless --json, the live terminal view. Ctrl-C finishes the current step, marks the run
// `interrupted` and exits 130; a run that hits NaN/Inf is stored as failed and exits 1.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/model_source.hpp"
#include "cli/stored_runs.hpp"
#include "cli/terminal_view.hpp"
#include "cli/text_prompt.hpp"
#include "common/error.hpp"
#include "events/subscriber_thread.hpp"
#include "export/record_json.hpp"
#include "generate/engine_model.hpp"
#include "runner/profiled_run.hpp"
#include "store/interrupt.hpp"

namespace archscope::cli {

namespace {

struct RunCommandOptions {
  ModelSource source;
  std::string backend = "cpu";
  std::string prompt = "128";  // a token count, or a text prompt (text_prompt.hpp)
  TextPromptOptions text;
  int64_t new_tokens = 32;
  int64_t batch = 1;
  int threads = 0;
  uint64_t seed = 0;
  std::string weights_dtype = "bf16";
  std::string name;
  std::string db;
  bool no_spans = false;
  bool json = false;
};

constexpr size_t kWriterQueue = 1 << 14;  // events; a step is at most four
constexpr size_t kViewQueue = 256;        // the view may drop: it says so

void on_sigint(int) { prof::store::request_interrupt(); }

// The SQLite subscriber: records into the run's writer, the final status at the terminal event.
prof::SubscriberThread::Callback store_writer(std::shared_ptr<prof::store::RunWriter> w) {
  return [w](const prof::Event& e) {
    if (w->closed()) return;  // an honoured interrupt: the run is already marked
    if (const auto* b = std::get_if<prof::SpanBatch>(&e)) {
      for (const prof::SpanRecord& s : b->spans) w->add(s);
    } else if (const auto* s = std::get_if<prof::StepFinished>(&e)) {
      w->add(s->step);
      w->flush();  // each finished step becomes visible to readers
    } else if (const auto* x = std::get_if<prof::ExpertCounts>(&e)) {
      for (const auto& r : x->counts) w->add(r);
    } else if (const auto* a = std::get_if<prof::Activations>(&e)) {
      for (const auto& r : a->activations) w->add(r);
    } else if (std::get_if<prof::RunFinished>(&e)) {
      w->finish(prof::RunStatus::Complete);
    } else if (const auto* f = std::get_if<prof::RunFailed>(&e)) {
      w->finish(f->run.status, f->reason);
    }
  };
}

int run_profiled(const RunCommandOptions& o) {
  if (o.backend != "cpu")
    throw Error(ErrorKind::Unsupported, "--backend", "'" + o.backend + "' is not built in (cpu is)");
  const ModelConfig config = load_model_config(o.source);
  prof::RunOptions ro;
  ro.batch = o.batch;
  // --prompt N is a number of random prompt tokens; any other --prompt (or --prompt-file) is text.
  const bool count = !o.prompt.empty() && o.prompt.find_first_not_of("0123456789") == std::string::npos;
  if (count && o.prompt.size() > 9) throw Error(ErrorKind::Validation, "--prompt", "token count " + o.prompt + " is too large");
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
  ro.weights = parse_weight_elem(o.weights_dtype, "--weights-dtype");
  ro.observe.spans = !o.no_spans;
  ro.stop = [] { return prof::store::interrupt_requested(); };

  prof::store::RunStore store = open_run_store(o.db);  // a bad --db fails before the model loads
  prof::ProfiledRun run(config, ro);
  const int64_t id = store.create_run(run.info());
  run.info().id = id;

  prof::store::clear_interrupt();
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  struct sigaction previous {};
  sigaction(SIGINT, &sa, &previous);

  prof::EventChannel channel;
  // From here the writer thread owns the store's connection until it is joined.
  auto writer = std::make_shared<prof::store::RunWriter>(store.writer(id));
  prof::SubscriberThread store_thread(channel, "sqlite", kWriterQueue, store_writer(writer));
  std::optional<TerminalView> view;
  std::optional<prof::SubscriberThread> view_thread;
  if (!o.json) {
    view.emplace(std::cout, ::isatty(STDOUT_FILENO) == 1, o.new_tokens + 1);
    view_thread.emplace(channel, "terminal", kViewQueue, [&view](const prof::Event& e) { view->on_event(e); });
  }

  std::optional<prof::RunResult> result;
  std::exception_ptr error;
  try {
    result = run.run(channel);
  } catch (...) {
    error = std::current_exception();  // published as RunFailed: let the subscribers store it first
  }
  channel.close();
  if (view_thread) view_thread->join();
  store_thread.join();
  const uint64_t dropped = store_thread.stats().dropped;
  sigaction(SIGINT, &previous, nullptr);
  if (error) std::rethrow_exception(error);
  if (dropped > 0)
    std::cerr << "archscope: warning: the database writer missed " << dropped << " events of run " << id << "\n";

  const prof::RunData& d = result->data;
  if (o.json) {
    nlohmann::json j;
    j["run_id"] = id;
    j["name"] = d.run.name;
    j["status"] = prof::to_string(d.run.status);
    if (!d.run.failure.empty()) j["failure"] = d.run.failure;
    j["db"] = store.path().string();
    j["summary"] = prof::to_json(result->summary);
    if (text) {
      const auto& g = result->generated.front();
      j["prompt_ids"] = text->ids;
      j["ids"] = g;
      j["text"] = text->tokenizer->decode({g.begin(), g.end()}, /*skip_special=*/true);
    }
    std::cout << j.dump(2) << "\n";
  } else if (text) {  // the text of sequence 0, after the live view has finished drawing
    const auto& g = result->generated.front();
    std::cout << text->tokenizer->decode({g.begin(), g.end()}, /*skip_special=*/true) << "\n";
  }
  switch (d.run.status) {
    case prof::RunStatus::Complete: return 0;
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
  CLI::App* sub = root.add_subcommand("run", "Profile prefill and decode on the engine and store the run");
  add_model_source(*sub, o->source, /*with_model_dir=*/true);
  sub->add_option("--backend", o->backend, "Backend to run on")->capture_default_str();
  sub->add_option("--prompt", o->prompt,
                  "N: a prompt of N random token ids per sequence; any other value: a text prompt, "
                  "tokenized with the model's tokenizer, generation stopping at EOS, the text printed at "
                  "the end (for a text of digits only use --prompt-file)")
      ->capture_default_str();
  add_text_prompt_options(*sub, o->text);
  sub->add_option("--new", o->new_tokens, "Decode steps")->capture_default_str();
  sub->add_option("--batch", o->batch, "Sequences decoded together")->capture_default_str();
  sub->add_option("--threads", o->threads, "CPU threads (default: one per logical CPU)");
  sub->add_option("--seed", o->seed, "Seed of random weights and prompts");
  sub->add_option("--weights-dtype", o->weights_dtype, "Weight storage: fp32, bf16 or fp16")->capture_default_str();
  sub->add_option("--name", o->name, "Run name (default: model and start time)");
  add_db_option(*sub, o->db);
  sub->add_flag("--no-spans", o->no_spans, "Do not time individual ops (steps are still timed)");
  sub->add_flag("--json", o->json, "Print one JSON object with run_id and the summary at the end");
  return {sub, [o] { return run_profiled(*o); }};
}

}  // namespace archscope::cli
