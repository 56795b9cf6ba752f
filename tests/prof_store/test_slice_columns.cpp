// Migration to the layer-slice schema (runs.layer_first / layer_last, profiler/store/schema.cpp):
// a file at the version before it opens, migrates and keeps its runs (read back as whole-model
// runs); a slice run's layers round-trip; a read-only store reads the old file unmigrated.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "store/run_store.hpp"
#include "store/schema.hpp"
#include "store_test_util.hpp"

using namespace archscope;
using namespace archscope::prof;
using namespace store_test;

namespace {

// The schema version that introduced the slice columns: the migration that names them.
int slice_version() {
  for (const store::Migration& m : store::migrations())
    if (std::string(m.description).find("layer_first") != std::string::npos) return m.to_version;
  return -1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prof_store_slice_columns)

BOOST_AUTO_TEST_CASE(a_file_of_the_previous_version_migrates_and_keeps_its_runs) {
  const int v = slice_version();
  BOOST_TEST_REQUIRE(v > 1);
  TempDir dir;
  const auto path = dir / "old.db";
  {
    RawDb raw(path);
    for (const store::Migration& m : store::migrations())
      if (m.to_version < v) BOOST_REQUIRE(raw.exec(std::string(m.sql)) == SQLITE_OK);
    BOOST_REQUIRE(raw.exec("PRAGMA application_id = " + std::to_string(store::kApplicationId) +
                           "; PRAGMA user_version = " + std::to_string(v - 1)) == SQLITE_OK);
    BOOST_REQUIRE(
        raw.exec(
            "INSERT INTO runs (id, name, started_at, model, config_json, backend, device, "
            "weights_dtype,"
            " kv_dtype, batch, prompt_tokens, new_tokens, threads, version, git_revision, status,"
            " failure, writer_pid, writer_host, writer_boot_id, writer_start_ticks, warmup_passes,"
            " measured_passes, checks, prefill_chunk) VALUES (5, 'before slices',"
            " '2026-01-01T00:00:00Z', 'm', '{}', 'cpu', 'd', 'f32', 'f32', 1, 4, 2, 1, '0.1.0', "
            "'r',"
            " 'complete', '', 1, 'h', 'b', 0, 1, 2, 1, 0)") == SQLITE_OK);
  }
  {
    // Read-only: the old file as it is (no migration, no slice columns).
    store::RunStore ro = store::RunStore::open_read_only(path);
    const RunInfo r = ro.get_run(5);
    BOOST_TEST(r.name == "before slices");
    BOOST_TEST(!r.sliced());
  }
  {
    RawDb raw(path);
    BOOST_TEST(raw.integer("PRAGMA user_version") == v - 1);  // untouched by the read-only open
  }
  store::RunStore s = store::RunStore::open(path);
  const RunInfo r = s.get_run(5);
  BOOST_TEST(r.name == "before slices");
  BOOST_TEST(r.repeat == 2);
  BOOST_TEST(!r.sliced());  // NULL columns: the whole model ran
  RawDb raw(path);
  BOOST_TEST(raw.integer("PRAGMA user_version") == store::latest_schema_version());
  BOOST_TEST(
      raw.integer("SELECT count(*) FROM runs WHERE layer_first IS NULL AND layer_last IS NULL") ==
      1);
}

BOOST_AUTO_TEST_CASE(slice_layers_round_trip) {
  TempDir dir;
  const auto path = dir / "runs.db";
  store::RunStore s = store::RunStore::open(path);
  RunInfo sliced = sample_run("slice");
  sliced.layer_first = 3;
  sliced.layer_last = 4;
  const int64_t a = s.create_run(sliced);
  const int64_t b = s.create_run(sample_run("whole"));
  const RunInfo ra = s.get_run(a), rb = s.get_run(b);
  BOOST_TEST(ra.sliced());
  BOOST_TEST(ra.layer_first == 3);
  BOOST_TEST(ra.layer_last == 4);
  BOOST_TEST(!rb.sliced());
  RawDb raw(path);
  BOOST_TEST(raw.integer("SELECT layer_first * 10 + layer_last FROM runs WHERE name = 'slice'") ==
             34);
  BOOST_TEST(
      raw.integer("SELECT count(*) FROM runs WHERE name = 'whole' AND layer_first IS NULL") == 1);
  // The schema refuses a negative layer.
  BOOST_TEST(raw.exec("UPDATE runs SET layer_first = -1 WHERE name = 'slice'") != SQLITE_OK);
}

BOOST_AUTO_TEST_SUITE_END()
