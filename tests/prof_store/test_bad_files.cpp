#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "common/error.hpp"
#include "store/run_store.hpp"
#include "store_test_util.hpp"

using namespace archscope;
using namespace archscope::prof;
using namespace store_test;

namespace {

// Opens `path`, expects an Error of `kind` naming the file, and checks the bytes did not change
// and no WAL/SHM files were left next to it.
void expect_refused(const std::filesystem::path& path, ErrorKind kind) {
  const std::string before = file_bytes(path);
  try {
    store::RunStore::open(path);
    BOOST_FAIL("expected an error for " + path.string());
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == kind), e.what());
    BOOST_TEST(std::string(e.what()).find(path.string()) != std::string::npos, e.what());
  }
  BOOST_TEST((file_bytes(path) == before));
  BOOST_TEST(!std::filesystem::exists(path.string() + "-wal"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prof_store_bad_files)

BOOST_AUTO_TEST_CASE(random_bytes) {
  TempDir dir;
  auto path = dir / "random.db";
  std::mt19937 rng(1234);
  std::string bytes(8192, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  write_bytes(path, bytes);
  expect_refused(path, ErrorKind::Parse);
}

BOOST_AUTO_TEST_CASE(short_text_file) {
  TempDir dir;
  auto path = dir / "notes.db";
  write_bytes(path, "hello\n");
  expect_refused(path, ErrorKind::Parse);
}

BOOST_AUTO_TEST_CASE(truncated_database) {
  TempDir dir;
  auto path = dir / "runs.db";
  {
    store::RunStore s = store::RunStore::open(path);
    int64_t run = s.create_run(sample_run());
    store::RunWriter w = s.writer(run);
    for (int step = 0; step < 200; ++step)
      for (int layer = 0; layer < 20; ++layer) w.add(span(step, layer, "q_proj", "matmul", 10));
    w.finish(RunStatus::Complete);
  }  // last connection closed: WAL checkpointed into the main file and removed
  BOOST_REQUIRE(!std::filesystem::exists(path.string() + "-wal"));
  const auto size = std::filesystem::file_size(path);
  BOOST_REQUIRE(size > 8 * 4096);
  std::filesystem::resize_file(path, size / 2);
  expect_refused(path, ErrorKind::Parse);
}

BOOST_AUTO_TEST_CASE(foreign_sqlite_database) {
  TempDir dir;
  auto path = dir / "other.db";
  {
    RawDb raw(path);
    raw.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('ada')");
  }
  expect_refused(path, ErrorKind::Validation);
  RawDb raw(path);
  BOOST_TEST(raw.text("SELECT name FROM contacts") == "ada");
}

BOOST_AUTO_TEST_CASE(other_application_id) {
  TempDir dir;
  auto path = dir / "other.db";
  {
    RawDb raw(path);
    raw.exec("PRAGMA application_id = 1234; PRAGMA user_version = 1");
  }
  expect_refused(path, ErrorKind::Validation);
}

BOOST_AUTO_TEST_CASE(directory_and_impossible_paths) {
  TempDir dir;
  try {
    store::RunStore::open(dir.path);
    BOOST_FAIL("a directory must be refused");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Io));
    BOOST_TEST(e.where() == dir.path.string());
  }
  // A path below a regular file cannot be read or created, even as root.
  write_bytes(dir / "file", "x");
  BOOST_CHECK_THROW(store::RunStore::open(dir / "file" / "runs.db"), Error);
  BOOST_CHECK_THROW(store::RunStore::open(dir / "missing-dir" / "runs.db"), Error);
  BOOST_TEST(!std::filesystem::exists(dir / "missing-dir"));
}

BOOST_AUTO_TEST_CASE(missing_file_is_created) {
  TempDir dir;
  auto path = dir / "new.db";
  store::RunStore s = store::RunStore::open(path);
  BOOST_TEST(std::filesystem::is_regular_file(path));
  BOOST_TEST(s.list_runs().empty());
}

BOOST_AUTO_TEST_SUITE_END()
