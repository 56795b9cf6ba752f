// RunStore::open_read_only: the store the read-only commands (runs list/show, compare, export,
// report) use. It never creates, migrates, converts or sweeps a file: a missing file is an error
// naming it, an empty file reads as no runs and stays empty, a v1 file is read as it is, a run
// whose writer died reads as interrupted without being marked, and no companion file appears.
#define BOOST_TEST_DYN_LINK
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "common/error.hpp"
#include "store/run_store.hpp"
#include "store/schema.hpp"
#include "store_test_util.hpp"

using namespace archscope;
using namespace archscope::prof;
using namespace store_test;
namespace fs = std::filesystem;

namespace {

// Every file in the directory with its bytes: what a read must leave exactly as it was.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    out[e.path().filename().string()] = file_bytes(e.path());
  return out;
}

template <class F>
ErrorKind error_kind(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.kind();
  }
  BOOST_FAIL("expected an archscope::Error");
  return ErrorKind::Internal;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prof_store_read_only)

BOOST_AUTO_TEST_CASE(missing_file_is_not_found_and_not_created) {
  TempDir dir;
  const fs::path path = dir / "typo.db";
  try {
    store::RunStore::open_read_only(path);
    BOOST_FAIL("a missing file must be refused");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::NotFound));
    BOOST_TEST(e.where() == path.string());
    BOOST_TEST(std::string(e.what()).find("does not exist") != std::string::npos);
  }
  BOOST_TEST(fs::is_empty(dir.path));
}

BOOST_AUTO_TEST_CASE(empty_file_reads_as_no_runs_and_stays_empty) {
  TempDir dir;
  const fs::path path = dir / "empty.db";
  write_bytes(path, "");
  {
    store::RunStore s = store::RunStore::open_read_only(path);
    BOOST_TEST(s.read_only());
    BOOST_TEST(s.list_runs().empty());
    BOOST_TEST((error_kind([&] { s.get_run(1); }) == ErrorKind::NotFound));
    BOOST_TEST((error_kind([&] { s.load_steps(1); }) == ErrorKind::NotFound));
    store::RunStore::ReadSnapshot snap(s);
  }
  BOOST_TEST(fs::file_size(path) == 0u);
  BOOST_TEST(snapshot(dir.path).size() == 1u);
}

BOOST_AUTO_TEST_CASE(store_at_rest_is_read_without_any_file_appearing) {
  TempDir dir;
  const fs::path path = dir / "runs.db";
  int64_t id = 0;
  {
    store::RunStore s = store::RunStore::open(path);
    id = s.create_run(sample_run("kept"));
    store::RunWriter w = s.writer(id);
    w.add(span(0, 0, "q_proj", "matmul", 42));
    w.finish(RunStatus::Complete);
  }
  const auto before = snapshot(dir.path);
  BOOST_TEST(before.size() == 1u);
  {
    store::RunStore s = store::RunStore::open_read_only(path);
    BOOST_TEST(s.get_run(id).name == "kept");
    BOOST_TEST(s.load_spans(id).size() == 1u);
    BOOST_TEST(s.layer_times(id).size() == 1u);
    // Writes are refused by the store itself, before SQLite is asked.
    BOOST_TEST((error_kind([&] { s.create_run(sample_run()); }) == ErrorKind::Validation));
    BOOST_TEST((error_kind([&] { s.delete_run(id); }) == ErrorKind::Validation));
    BOOST_TEST((error_kind([&] { s.writer(id); }) == ErrorKind::Validation));
  }
  BOOST_TEST((snapshot(dir.path) == before));
}

// A v1 file (before warm-up / repeat / checks columns): read with the defaults of that time, and
// left at version 1, byte for byte.
BOOST_AUTO_TEST_CASE(older_schema_is_read_without_migrating) {
  TempDir dir;
  const fs::path path = dir / "v1.db";
  {
    RawDb raw(path);
    BOOST_REQUIRE(raw.exec(std::string(store::migrations()[0].sql)) == SQLITE_OK);
    BOOST_REQUIRE(raw.exec("PRAGMA application_id = " + std::to_string(store::kApplicationId) +
                           "; PRAGMA user_version = 1") == SQLITE_OK);
    BOOST_REQUIRE(
        raw.exec(
            "INSERT INTO runs (id, name, started_at, model, config_json, backend, device, "
            "weights_dtype,"
            " kv_dtype, batch, prompt_tokens, new_tokens, threads, version, git_revision, status,"
            " failure, writer_pid, writer_host, writer_boot_id, writer_start_ticks) VALUES (3, 'v1 "
            "run',"
            " '2026-01-01T00:00:00Z', 'm', '{}', 'cpu', 'd', 'f32', 'f32', 2, 4, 2, 1, '0.1.0', "
            "'r',"
            " 'complete', '', 1, 'h', 'b', 0);"
            "INSERT INTO steps VALUES (3, 0, 'prefill', 8, 0, 1000, 64, 32, 4);") == SQLITE_OK);
  }
  const auto before = snapshot(dir.path);
  {
    store::RunStore s = store::RunStore::open_read_only(path);
    BOOST_TEST(s.schema_version() == 1);
    const RunInfo r = s.get_run(3);
    BOOST_TEST(r.name == "v1 run");
    BOOST_TEST(r.warmup == 0);
    BOOST_TEST(r.repeat == 1);
    BOOST_TEST(r.checks);
    BOOST_TEST(s.list_runs().size() == 1u);
    BOOST_TEST(s.load_steps(3).size() == 1u);
  }
  BOOST_TEST((snapshot(dir.path) == before));
  RawDb raw(path);
  BOOST_TEST(raw.integer("PRAGMA user_version") == 1);
}

BOOST_AUTO_TEST_CASE(bad_and_newer_files_are_refused_untouched) {
  TempDir dir;
  const fs::path garbage = dir / "garbage.db";
  write_bytes(garbage,
              "this is not a database at all, but it is long enough to have a header......"
              "..........................................");
  BOOST_TEST((error_kind([&] { store::RunStore::open_read_only(garbage); }) == ErrorKind::Parse));
  BOOST_TEST((error_kind([&] { store::RunStore::open_read_only(dir.path); }) == ErrorKind::Io));
  const fs::path future = dir / "future.db";
  { store::RunStore s = store::RunStore::open(future); }
  {
    RawDb raw(future);
    raw.exec("PRAGMA user_version = " + std::to_string(store::latest_schema_version() + 1));
  }
  const auto before = snapshot(dir.path);
  BOOST_TEST(
      (error_kind([&] { store::RunStore::open_read_only(future); }) == ErrorKind::Unsupported));
  BOOST_TEST((snapshot(dir.path) == before));
}

// A `running` run whose writer was killed reads as interrupted, but only a writable open marks it.
BOOST_AUTO_TEST_CASE(dead_writer_reads_as_interrupted_without_marking) {
  TempDir dir;
  const fs::path path = dir / "runs.db";
  { store::RunStore s = store::RunStore::open(path); }
  int fds[2];
  BOOST_REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    store::RunStore s = store::RunStore::open(path);
    const int64_t id = s.create_run(sample_run("doomed"));
    if (write(fds[1], &id, sizeof id) != sizeof id) _exit(2);
    pause();
    _exit(0);
  }
  close(fds[1]);
  int64_t id = 0;
  BOOST_REQUIRE(read(fds[0], &id, sizeof id) == static_cast<ssize_t>(sizeof id));
  close(fds[0]);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  {
    store::RunStore s = store::RunStore::open_read_only(path);
    const RunInfo r = s.get_run(id);
    BOOST_TEST((r.status == RunStatus::Interrupted));
    BOOST_TEST(r.failure.find(std::to_string(pid)) != std::string::npos);
  }
  RawDb raw(path);
  BOOST_TEST(raw.text("SELECT status FROM runs WHERE id = " + std::to_string(id)) == "running");
}

BOOST_AUTO_TEST_SUITE_END()
