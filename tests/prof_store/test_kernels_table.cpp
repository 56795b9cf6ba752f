// The kernels and step_memory tables (schema migration 3): an old file migrates with its runs
// kept, records round-trip through the writer, a file of the previous schema read as it is has no
// kernels, and deleting a run removes its device records.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "store/run_store.hpp"
#include "store/schema.hpp"
#include "store_test_util.hpp"

using namespace archscope;
using namespace archscope::prof;
using namespace store_test;

namespace {

// The schema version before the kernels table: the migration that adds it is found by what it
// creates, not by its number, so renumbering at a merge leaves this test valid.
int kernels_migration_version() {
  for (const store::Migration& m : store::migrations())
    if (std::string(m.sql).find("CREATE TABLE kernels") != std::string::npos) return m.to_version;
  return 0;
}

// A database at the version just before the kernels table, built from the published migrations,
// with one complete run and one span.
void make_previous_version(const std::filesystem::path& path) {
  const int before = kernels_migration_version() - 1;
  RawDb raw(path);
  for (const store::Migration& m : store::migrations())
    if (m.to_version <= before) BOOST_REQUIRE(raw.exec(std::string(m.sql)) == SQLITE_OK);
  BOOST_REQUIRE(raw.exec("PRAGMA application_id = " + std::to_string(store::kApplicationId) +
                         "; PRAGMA user_version = " + std::to_string(before)) == SQLITE_OK);
  BOOST_REQUIRE(
      raw.exec(
          "INSERT INTO runs (id, name, started_at, model, config_json, backend, device, "
          "weights_dtype,"
          " kv_dtype, batch, prompt_tokens, new_tokens, threads, version, git_revision, status,"
          " failure, writer_pid, writer_host, writer_boot_id, writer_start_ticks) VALUES (5, "
          "'before',"
          " '2026-01-01T00:00:00Z', 'm', '{}', 'cuda:0', 'H200', 'bf16', 'f32', 1, 4, 2, 1, "
          "'0.1.0',"
          " 'r', 'complete', '', 1, 'h', 'b', 0);"
          "INSERT INTO span_ops (id, op, kind) VALUES (1, 'q_proj', 'matmul');"
          "INSERT INTO span_blocks (run_id, step, phase, layer, n_spans, total_ns, spans)"
          " VALUES (5, 0, 'prefill', 0, 1, 70, '[[1,10,70,100,200]]');") == SQLITE_OK);
}

KernelRecord kernel(int64_t step, int32_t layer, const std::string& op, const std::string& name,
                    int64_t start, int64_t dur) {
  KernelRecord k;
  k.step = step;
  k.layer = layer;
  k.op = op;
  k.name = name;
  k.grid[0] = 132, k.grid[1] = 2, k.grid[2] = 1;
  k.block[0] = 256, k.block[1] = 1, k.block[2] = 1;
  k.registers = 40;
  k.shared_bytes = 4096 + 128;
  k.start_ns = start;
  k.duration_ns = dur;
  return k;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prof_store_kernels_table)

BOOST_AUTO_TEST_CASE(migration_adds_kernels_and_keeps_runs) {
  BOOST_REQUIRE(kernels_migration_version() >= 2);
  BOOST_TEST(kernels_migration_version() <= store::latest_schema_version());
  TempDir dir;
  const auto path = dir / "old.db";
  make_previous_version(path);
  {
    // Read as it is: no migration, and no kernels to load.
    store::RunStore ro = store::RunStore::open_read_only(path);
    BOOST_TEST(ro.get_run(5).name == "before");
    BOOST_TEST(ro.load_kernels(5).empty());
    BOOST_TEST(ro.load_step_memory(5).empty());
  }
  {
    RawDb raw(path);
    BOOST_TEST(raw.integer("PRAGMA user_version") == kernels_migration_version() - 1);
  }
  store::RunStore s = store::RunStore::open(path);
  BOOST_TEST(s.schema_version() == store::latest_schema_version());
  BOOST_TEST(s.get_run(5).name == "before");
  BOOST_TEST((s.get_run(5).status == RunStatus::Complete));
  const auto spans = s.load_spans(5);
  BOOST_REQUIRE(spans.size() == 1u);
  BOOST_TEST(spans[0].duration_ns == 70);
  BOOST_TEST(s.load_kernels(5).empty());

  // The migrated file has the same schema as a fresh one.
  const auto fresh = dir / "fresh.db";
  { store::RunStore f = store::RunStore::open(fresh); }
  RawDb a(fresh), b(path);
  const std::string schema =
      "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master ORDER BY name)";
  BOOST_TEST(a.text(schema) == b.text(schema));
}

BOOST_AUTO_TEST_CASE(kernels_and_memory_round_trip_and_cascade) {
  TempDir dir;
  const auto path = dir / "runs.db";
  store::RunStore s = store::RunStore::open(path);
  const int64_t id = s.create_run(sample_run());
  {
    store::RunWriter w = s.writer(id);
    StepRecord st;
    st.step = 0;
    st.duration_ns = 1000;
    w.add(st);
    st.step = 1;
    st.phase = Phase::Decode;
    w.add(st);
    w.add(kernel(0, 0, "q_proj", "void gemv<4>(Params)", 10, 50));
    KernelRecord copy = kernel(0, kStepLayer, kOtherOp, "memcpy DtoH", 900, 20);
    copy.kind = ActivityKind::Memcpy;
    copy.bytes = (uint64_t{1} << 40) + 3;  // past 32 bits
    w.add(copy);
    w.add(kernel(1, 15, "down_proj", "k2", 2000, 7));
    w.add(StepMemoryRecord{0, 100, 200, (uint64_t{1} << 36), (uint64_t{141} << 30)});
    w.add(StepMemoryRecord{1, 110, 200, (uint64_t{1} << 36) + 5, (uint64_t{141} << 30)});
    w.finish(RunStatus::Complete);
  }
  const auto k = s.load_kernels(id);
  BOOST_REQUIRE(k.size() == 3u);
  BOOST_TEST(k[0].name == "void gemv<4>(Params)");
  BOOST_TEST(k[0].op == "q_proj");
  BOOST_TEST(k[0].layer == 0);
  BOOST_TEST(k[0].grid[0] == 132);
  BOOST_TEST(k[0].grid[1] == 2);
  BOOST_TEST(k[0].block[0] == 256);
  BOOST_TEST(k[0].registers == 40);
  BOOST_TEST(k[0].shared_bytes == 4224);
  BOOST_TEST(k[0].start_ns == 10);
  BOOST_TEST(k[0].duration_ns == 50);
  BOOST_TEST((k[1].kind == ActivityKind::Memcpy));
  BOOST_TEST(k[1].layer == kStepLayer);
  BOOST_TEST(k[1].op == kOtherOp);
  BOOST_TEST(k[1].bytes == (uint64_t{1} << 40) + 3);
  BOOST_TEST(k[2].step == 1);
  BOOST_TEST(k[2].op == "down_proj");
  BOOST_TEST(s.load_kernels(id, {1, 1}).size() == 1u);
  const auto m = s.load_step_memory(id);
  BOOST_REQUIRE(m.size() == 2u);
  BOOST_TEST(m[1].allocator_in_use_bytes == 110u);
  BOOST_TEST(m[1].device_used_bytes == (uint64_t{1} << 36) + 5);
  BOOST_TEST(m[0].device_total_bytes == (uint64_t{141} << 30));

  s.delete_run(id);
  RawDb raw(path);
  BOOST_TEST(raw.integer("SELECT count(*) FROM kernels") == 0);
  BOOST_TEST(raw.integer("SELECT count(*) FROM step_memory") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
