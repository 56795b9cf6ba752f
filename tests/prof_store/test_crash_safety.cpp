#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "store/interrupt.hpp"
#include "store/run_store.hpp"
#include "store_test_util.hpp"

using namespace archscope::prof;
using namespace store_test;

namespace {

constexpr int kSpansPerBatch = 250;

// In a forked child: creates a run, commits `batches` batches of spans (reporting the run id and
// each commit through `fd`), then keeps adding records that are never committed until killed.
[[noreturn]] void child_writer(const std::filesystem::path& path, int fd, int batches) {
  try {
    store::RunStore s = store::RunStore::open(path);
    int64_t run = s.create_run(sample_run("doomed"));
    if (write(fd, &run, sizeof run) != sizeof run) _exit(2);
    store::WriterOptions never;
    never.max_records = 1u << 30;
    never.max_delay = std::chrono::hours(1);
    store::RunWriter w = s.writer(run, never);
    for (int b = 0; b < batches; ++b) {
      for (int i = 0; i < kSpansPerBatch; ++i) w.add(span(b, i % 10, "q_proj", "matmul", 5));
      w.flush();
      if (write(fd, &b, sizeof b) != sizeof b) _exit(2);
    }
    for (int64_t step = batches;; ++step) {  // buffered forever: lost by the kill, by design
      w.add(span(step, 0, "q_proj", "matmul", 5));
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  } catch (...) {
    _exit(3);
  }
}

template <class T>
T read_value(int fd) {
  T v{};
  BOOST_REQUIRE(read(fd, &v, sizeof v) == static_cast<ssize_t>(sizeof v));
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prof_store_crash_safety)

BOOST_AUTO_TEST_CASE(sigkill_keeps_committed_batches_and_next_open_marks_interrupted) {
  TempDir dir;
  auto path = dir / "runs.db";
  { store::RunStore s = store::RunStore::open(path); }  // schema exists before the child starts
  const int batches = 6;
  int fds[2];
  BOOST_REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    child_writer(path, fds[1], batches);
  }
  close(fds[1]);
  const int64_t run = read_value<int64_t>(fds[0]);
  for (int b = 0; b < batches; ++b) BOOST_REQUIRE(read_value<int>(fds[0]) == b);
  close(fds[0]);
  kill(pid, SIGKILL);
  int status = 0;
  BOOST_REQUIRE(waitpid(pid, &status, 0) == pid);
  BOOST_TEST(WIFSIGNALED(status));

  {
    RawDb raw(path);
    BOOST_TEST(raw.text("PRAGMA integrity_check") == "ok");
    BOOST_TEST(raw.text("SELECT status FROM runs WHERE id = " + std::to_string(run)) == "running");
  }
  store::RunStore s = store::RunStore::open(path);
  BOOST_TEST(s.interrupted_on_open() == std::vector<int64_t>{run});
  RunInfo info = s.get_run(run);
  BOOST_TEST((info.status == RunStatus::Interrupted));
  BOOST_TEST(info.failure.find(std::to_string(pid)) != std::string::npos);
  BOOST_TEST(!info.finished_at.empty());
  auto spans = s.load_spans(run);
  BOOST_TEST(spans.size() == size_t(batches) * kSpansPerBatch);
  for (int b = 0; b < batches; ++b) {
    store::SpanFilter f;
    f.step = b;
    BOOST_TEST(s.load_spans(run, f).size() == size_t(kSpansPerBatch));
  }
}

BOOST_AUTO_TEST_CASE(run_of_a_live_writer_is_left_running) {
  TempDir dir;
  auto path = dir / "runs.db";
  { store::RunStore s = store::RunStore::open(path); }
  int fds[2];
  BOOST_REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    child_writer(path, fds[1], 1);
  }
  close(fds[1]);
  const int64_t run = read_value<int64_t>(fds[0]);
  BOOST_REQUIRE(read_value<int>(fds[0]) == 0);
  {
    store::RunStore reader = store::RunStore::open(path);  // the child is alive, mid-run
    BOOST_TEST(reader.interrupted_on_open().empty());
    BOOST_TEST((reader.get_run(run).status == RunStatus::Running));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  close(fds[0]);
  store::RunStore after = store::RunStore::open(path);
  BOOST_TEST((after.get_run(run).status == RunStatus::Interrupted));
}

BOOST_AUTO_TEST_CASE(own_running_run_is_not_swept_by_a_second_connection) {
  TempDir dir;
  auto path = dir / "runs.db";
  store::RunStore writer = store::RunStore::open(path);
  int64_t run = writer.create_run(sample_run());
  store::RunStore reader = store::RunStore::open(path);
  BOOST_TEST(reader.interrupted_on_open().empty());
  BOOST_TEST((reader.get_run(run).status == RunStatus::Running));
}

BOOST_AUTO_TEST_CASE(interrupt_flag_commits_buffer_and_marks_run) {
  TempDir dir;
  store::RunStore s = store::RunStore::open(dir / "runs.db");
  int64_t run = s.create_run(sample_run());
  store::WriterOptions big;
  big.max_records = 1000;
  big.max_delay = std::chrono::hours(1);
  store::RunWriter w = s.writer(run, big);
  BOOST_TEST(w.add(span(0, 0, "q_proj", "matmul", 1)));
  BOOST_TEST(w.add(span(0, 1, "q_proj", "matmul", 1)));
  store::request_interrupt();  // what the CLI's SIGINT handler does
  BOOST_TEST(!w.add(span(0, 2, "q_proj", "matmul", 1)));
  store::clear_interrupt();
  BOOST_TEST(w.closed());
  BOOST_TEST(!w.add(span(0, 3, "q_proj", "matmul", 1)));  // dropped after the interrupt
  w.finish(RunStatus::Complete);                            // the interrupted status stands
  RunInfo info = s.get_run(run);
  BOOST_TEST((info.status == RunStatus::Interrupted));
  BOOST_TEST(info.failure == "interrupted by signal");
  BOOST_TEST(s.load_spans(run).size() == 3u);
}

BOOST_AUTO_TEST_CASE(writer_dropped_without_finish_marks_run_interrupted) {
  TempDir dir;
  store::RunStore s = store::RunStore::open(dir / "runs.db");
  int64_t run = s.create_run(sample_run());
  {
    store::RunWriter w = s.writer(run);
    w.add(span(0, 0, "q_proj", "matmul", 1));
  }
  RunInfo info = s.get_run(run);
  BOOST_TEST((info.status == RunStatus::Interrupted));
  BOOST_TEST(info.failure == "writer closed before the run finished");
  BOOST_TEST(s.load_spans(run).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
