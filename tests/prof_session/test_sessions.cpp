// profiler/session: a recorded run lands in the store whole; the fast stored summary (SQL
// aggregates, no span rows) equals summarize() over every record; and a run written by another
// process is followed live from the database, its events giving back exactly what was stored.
#define BOOST_TEST_DYN_LINK
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <random>
#include <thread>

#include "common/error.hpp"
#include "presets/preset_catalog.hpp"
#include "session/recorded_run.hpp"
#include "session/run_follower.hpp"
#include "session/stored_run.hpp"

using namespace archscope;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("archscope-session-" + std::to_string(::getpid()) +
                                               "-" + std::to_string(std::random_device{}()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

prof::RunOptions options() {
  prof::RunOptions o;
  o.batch = 2;
  o.prompt = 9;
  o.new_tokens = 4;
  o.threads = 1;
  o.seed = 3;
  o.weights = Elem::F32;
  return o;
}

ModelConfig mini(const std::string& name) {
  return load_preset(name, ARCHSCOPE_PRESETS);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sessions)

BOOST_AUTO_TEST_CASE(recorded_run_is_stored_whole_and_the_fast_summary_agrees) {
  TempDir dir;
  const fs::path db = dir.path / "runs.db";
  prof::session::RecordedResult r;
  {
    prof::store::RunStore store = prof::store::RunStore::open(db);
    prof::RunOptions o = options();
    o.repeat = 2;
    prof::ProfiledRun run(mini("mixtral-mini"), o);
    prof::session::RecordedRun rec(store, run);
    BOOST_TEST(rec.id() > 0);
    r = rec.run();
    BOOST_TEST(r.writer_dropped == 0u);
  }
  prof::store::RunStore store = prof::store::RunStore::open_read_only(db);
  const prof::RunData d = prof::session::load_run_data(store, r.id);
  BOOST_TEST((d.run.status == prof::RunStatus::Complete));
  BOOST_TEST(d.run.repeat == 2);
  BOOST_TEST(d.steps.size() == r.result.data.steps.size());
  BOOST_TEST(d.spans.size() == r.result.data.spans.size());
  BOOST_TEST(d.expert_counts.size() == r.result.data.expert_counts.size());
  BOOST_TEST(d.activations.size() == r.result.data.activations.size());

  const prof::RunSummary full = prof::summarize(d.steps, d.spans, d.activations);
  const prof::session::StoredSummary fast = prof::session::load_run_summary(store, r.id);
  BOOST_TEST(fast.summary.passes == 2);
  BOOST_TEST(fast.summary.decode_ms_per_step_mean == full.decode_ms_per_step_mean);
  BOOST_TEST(fast.summary.prefill_tokens_per_s == full.prefill_tokens_per_s);
  for (const bool prefill : {true, false}) {
    const prof::PhaseTimes& a = prefill ? fast.summary.prefill : fast.summary.decode;
    const prof::PhaseTimes& b = prefill ? full.prefill : full.decode;
    BOOST_TEST(a.spans == b.spans);
    BOOST_TEST(a.span_ns == b.span_ns);
    BOOST_TEST(a.flops == b.flops);
    BOOST_TEST(a.bytes == b.bytes);
    BOOST_TEST((a.layer_ns == b.layer_ns));
    BOOST_TEST((a.kind_ns == b.kind_ns));
  }
  BOOST_TEST(fast.expert_counts.size() == d.expert_counts.size());
}

// A child process writes a run; this process follows it from the database. The child pauses
// after its prefill until the parent has seen that step, so the follow is live by construction,
// not by timing.
BOOST_AUTO_TEST_CASE(a_run_written_by_another_process_is_followed_live) {
  TempDir dir;
  const fs::path db = dir.path / "runs.db";
  { prof::store::RunStore s = prof::store::RunStore::open(db); }
  int id_pipe[2], go_pipe[2];
  BOOST_REQUIRE(pipe(id_pipe) == 0);
  BOOST_REQUIRE(pipe(go_pipe) == 0);
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    close(id_pipe[0]);
    close(go_pipe[1]);
    try {
      prof::store::RunStore store = prof::store::RunStore::open(db);
      prof::RunOptions o = options();
      prof::EventChannel* channel = nullptr;
      prof::Subscription watch;
      bool released = false;
      // Polled before every op and after each step: once the prefill step was published, wait
      // for the parent (the writer thread commits it meanwhile).
      o.stop = [&] {
        if (released || !watch) return false;
        while (prof::EventPtr e = watch.try_pop())
          if (std::holds_alternative<prof::StepFinished>(*e)) {
            char c = 0;
            if (read(go_pipe[0], &c, 1) != 1) _exit(4);
            released = true;
          }
        return false;
      };
      prof::ProfiledRun run(mini("qwen3-moe-mini"), o);
      prof::session::RecordedRun rec(store, run);
      channel = &rec.channel();
      watch = channel->subscribe("pause", 1 << 12);
      const int64_t id = rec.id();
      if (write(id_pipe[1], &id, sizeof id) != sizeof id) _exit(2);
      rec.run();
      _exit(0);
    } catch (...) {
      _exit(3);
    }
  }
  close(id_pipe[1]);
  close(go_pipe[0]);
  int64_t id = 0;
  BOOST_REQUIRE(read(id_pipe[0], &id, sizeof id) == static_cast<ssize_t>(sizeof id));

  prof::session::RunFollower follower(db, id);
  std::vector<prof::Event> events;
  bool saw_running_with_steps = false, released = false;
  for (int i = 0; i < 20000 && !follower.done(); ++i) {
    for (prof::Event& e : follower.poll()) {
      if (std::holds_alternative<prof::StepFinished>(e) && !released) {
        saw_running_with_steps = !follower.done();
        BOOST_REQUIRE(write(go_pipe[1], "g", 1) == 1);
        released = true;
      }
      events.push_back(std::move(e));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  close(go_pipe[1]);
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_TEST_REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  BOOST_TEST_REQUIRE(follower.done());
  BOOST_TEST(saw_running_with_steps);
  BOOST_TEST(follower.poll().empty());

  // The followed events against the stored run.
  prof::store::RunStore store = prof::store::RunStore::open_read_only(db);
  const prof::RunData d = prof::session::load_run_data(store, id);
  BOOST_TEST_REQUIRE(!events.empty());
  BOOST_TEST(std::holds_alternative<prof::RunStarted>(events.front()));
  BOOST_TEST_REQUIRE(std::holds_alternative<prof::RunFinished>(events.back()));
  size_t steps = 0, spans = 0, experts = 0, acts = 0;
  int64_t last_step = -1;
  for (const prof::Event& e : events) {
    if (const auto* s = std::get_if<prof::StepFinished>(&e)) {
      BOOST_TEST(s->step.step == last_step + 1);  // every step once, in order
      last_step = s->step.step;
      BOOST_TEST(s->step.duration_ns == d.steps[steps].duration_ns);
      ++steps;
    }
    if (const auto* b = std::get_if<prof::SpanBatch>(&e)) spans += b->spans.size();
    if (const auto* x = std::get_if<prof::ExpertCounts>(&e)) experts += x->counts.size();
    if (const auto* a = std::get_if<prof::Activations>(&e)) acts += a->activations.size();
  }
  BOOST_TEST(steps == d.steps.size());
  BOOST_TEST(spans == d.spans.size());
  BOOST_TEST(experts == d.expert_counts.size());
  BOOST_TEST(acts == d.activations.size());
  const auto& fin = std::get<prof::RunFinished>(events.back());
  BOOST_TEST(fin.summary.decode_steps == 4);
}

BOOST_AUTO_TEST_CASE(following_an_unknown_run_names_it) {
  TempDir dir;
  const fs::path db = dir.path / "runs.db";
  { prof::store::RunStore s = prof::store::RunStore::open(db); }
  BOOST_CHECK_EXCEPTION(prof::session::RunFollower(db, 42), Error, [](const Error& e) {
    return e.kind() == ErrorKind::NotFound && std::string(e.what()).find("42") != std::string::npos;
  });
  BOOST_CHECK_EXCEPTION(prof::session::RunFollower(dir.path / "typo.db", 1), Error,
                        [](const Error& e) { return e.kind() == ErrorKind::NotFound; });
  BOOST_TEST(!fs::exists(dir.path / "typo.db"));
}

BOOST_AUTO_TEST_SUITE_END()
