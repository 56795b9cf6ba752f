#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "common/error.hpp"
#include "store/run_store.hpp"
#include "store/schema.hpp"
#include "store/sqlite_db.hpp"
#include "store_test_util.hpp"

using namespace archscope;
using namespace archscope::prof;
using namespace store_test;

BOOST_AUTO_TEST_SUITE(prof_store_schema_migrations)

BOOST_AUTO_TEST_CASE(new_file_gets_latest_schema_and_marker) {
  TempDir dir;
  auto path = dir / "runs.db";
  {
    store::RunStore s = store::RunStore::open(path);
    RawDb open(path);
    BOOST_TEST(open.text("PRAGMA journal_mode") == "wal");  // while a writer has it open
  }
  RawDb raw(path);
  BOOST_TEST(raw.integer("PRAGMA application_id") == store::kApplicationId);
  BOOST_TEST(raw.integer("PRAGMA user_version") == store::latest_schema_version());
  // At rest, one self-contained file: the last writer returned it to a rollback journal.
  BOOST_TEST(raw.text("PRAGMA journal_mode") == "delete");
  BOOST_TEST(!std::filesystem::exists(path.string() + "-wal"));
}

// Migration 0 -> 1: an empty SQLite database made by another tool (no tables, no marker) is
// adopted, not refused.
BOOST_AUTO_TEST_CASE(empty_sqlite_database_is_migrated_to_v1) {
  TempDir dir;
  auto path = dir / "empty.db";
  {
    RawDb raw(path);
    BOOST_REQUIRE(raw.exec("PRAGMA user_version = 0; VACUUM") == SQLITE_OK);
  }
  store::RunStore s = store::RunStore::open(path);
  BOOST_TEST(s.list_runs().empty());
  BOOST_TEST(s.create_run(sample_run()) > 0);
}

// Schema v1 exactly as it was published, with data written by hand: it must open and read back.
// If someone edits migration 1 instead of appending migration 2, the schemas compared below differ.
BOOST_AUTO_TEST_CASE(v1_database_made_by_hand_opens_with_data) {
  TempDir dir;
  auto fresh = dir / "fresh.db";
  auto old = dir / "old.db";
  { store::RunStore s = store::RunStore::open(fresh); }
  {
    RawDb raw(old);
    BOOST_REQUIRE(raw.exec(std::string(store::migrations()[0].sql)) == SQLITE_OK);
    BOOST_REQUIRE(raw.exec("PRAGMA application_id = " + std::to_string(store::kApplicationId) +
                           "; PRAGMA user_version = 1") == SQLITE_OK);
    BOOST_REQUIRE(raw.exec(
        "INSERT INTO runs (id, name, started_at, model, config_json, backend, device, weights_dtype,"
        " kv_dtype, batch, prompt_tokens, new_tokens, threads, version, git_revision, status,"
        " failure, writer_pid, writer_host, writer_boot_id, writer_start_ticks) VALUES (7, 'old',"
        " '2026-01-01T00:00:00Z', 'm', '{}', 'cpu', 'd', 'f32', 'f32', 1, 4, 2, 1, '0.1.0', 'r',"
        " 'complete', '', 1, 'h', 'b', 0);"
        "INSERT INTO span_ops (id, op, kind) VALUES (3, 'q_proj', 'matmul');"
        "INSERT INTO span_blocks (run_id, step, phase, layer, n_spans, total_ns, spans)"
        " VALUES (7, 0, 'prefill', 0, 1, 55, '[[3,10,55,100,200]]');") == SQLITE_OK);
  }
  store::RunStore s = store::RunStore::open(old);
  RunInfo r = s.get_run(7);
  BOOST_TEST(r.name == "old");
  BOOST_TEST((r.status == RunStatus::Complete));
  auto spans = s.load_spans(7);
  BOOST_REQUIRE(spans.size() == 1u);
  BOOST_TEST(spans[0].op == "q_proj");
  BOOST_TEST(spans[0].duration_ns == 55);
  BOOST_TEST(spans[0].bytes == 200u);

  RawDb a(fresh), b(old);
  const std::string schema = "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master ORDER BY name)";
  BOOST_TEST(a.text(schema) == b.text(schema));
}

// The migration runner itself, with test-only migration lists on a scratch table.
BOOST_AUTO_TEST_CASE(later_migration_keeps_data_of_earlier_version) {
  TempDir dir;
  auto path = dir / "m.db";
  const store::Migration steps[] = {
      {1, "t", "CREATE TABLE t (a INTEGER)"},
      {2, "t.b", "ALTER TABLE t ADD COLUMN b TEXT NOT NULL DEFAULT 'x'"},
  };
  {
    sql::Db db(path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    store::migrate(db, std::span(steps, 1));
    db.exec("INSERT INTO t (a) VALUES (41), (42)");
    BOOST_TEST(db.query_int("PRAGMA user_version") == 1);
    store::migrate(db, steps);
    BOOST_TEST(db.query_int("PRAGMA user_version") == 2);
    BOOST_TEST(db.query_int("SELECT sum(a) FROM t WHERE b = 'x'") == 83);
    store::migrate(db, steps);  // already current: nothing runs again
    BOOST_TEST(db.query_int("SELECT count(*) FROM t") == 2);
  }
}

BOOST_AUTO_TEST_CASE(failing_migration_rolls_back_everything) {
  TempDir dir;
  auto path = dir / "m.db";
  const store::Migration steps[] = {
      {1, "t", "CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)"},
      {2, "u", "CREATE TABLE u (a INTEGER)"},
      {3, "broken", "ALTER TABLE missing ADD COLUMN c INTEGER"},
  };
  sql::Db db(path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  store::migrate(db, std::span(steps, 1));
  try {
    store::migrate(db, steps);
    BOOST_FAIL("a broken migration must throw");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()).find("version 3") != std::string::npos);
  }
  BOOST_TEST(db.query_int("PRAGMA user_version") == 1);
  BOOST_TEST(db.query_int("SELECT count(*) FROM sqlite_master WHERE name = 'u'") == 0);
  BOOST_TEST(db.query_int("SELECT count(*) FROM t") == 1);
}

BOOST_AUTO_TEST_CASE(newer_schema_is_refused_and_not_touched) {
  TempDir dir;
  auto path = dir / "future.db";
  { store::RunStore s = store::RunStore::open(path); }
  {
    RawDb raw(path);
    raw.exec("PRAGMA journal_mode = DELETE");  // a single file to compare
    raw.exec("PRAGMA user_version = " + std::to_string(store::latest_schema_version() + 1));
  }
  const std::string before = file_bytes(path);
  try {
    store::RunStore::open(path);
    BOOST_FAIL("a newer schema must be refused");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Unsupported));
    BOOST_TEST(e.where() == path.string());
    BOOST_TEST(std::string(e.what()).find("newer") != std::string::npos);
  }
  BOOST_TEST((file_bytes(path) == before));
}

BOOST_AUTO_TEST_SUITE_END()
