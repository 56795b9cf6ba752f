// The weight source of a run (schema migration kWeightsSourceSchemaVersion): every source kind is
// stored and read back exactly (a seed above INT64_MAX bit for bit, the heavy-tailed init's
// doubles), and a file of the version before it opens, migrates and keeps its runs, which read as
// unknown-source; read-only, such a file is read as it is.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cstdint>

#include "common/error.hpp"
#include "store/run_store.hpp"
#include "store/schema.hpp"
#include "store_test_util.hpp"

using namespace archscope;
using namespace archscope::prof;
using namespace store_test;
namespace fs = std::filesystem;

namespace {

// A store file exactly as archscope wrote it before runs had a weight source: every migration
// below kWeightsSourceSchemaVersion, with one run (id 7) and one span block written by hand.
void write_file_before_weights_source(const fs::path& path) {
  RawDb raw(path);
  for (const store::Migration& m : store::migrations()) {
    if (m.to_version >= store::kWeightsSourceSchemaVersion) break;
    BOOST_REQUIRE(raw.exec(std::string(m.sql)) == SQLITE_OK);
  }
  BOOST_REQUIRE(raw.exec("PRAGMA application_id = " + std::to_string(store::kApplicationId) +
                         "; PRAGMA user_version = " +
                         std::to_string(store::kWeightsSourceSchemaVersion - 1)) == SQLITE_OK);
  BOOST_REQUIRE(
      raw.exec(
          "INSERT INTO runs (id, name, started_at, model, config_json, backend, device, "
          "weights_dtype,"
          " kv_dtype, batch, prompt_tokens, new_tokens, threads, version, git_revision, status,"
          " failure, writer_pid, writer_host, writer_boot_id, writer_start_ticks, warmup_passes,"
          " measured_passes) VALUES (7, 'old run', '2026-01-01T00:00:00Z', 'm', '{}', 'cpu', 'd',"
          " 'bf16', 'f32', 1, 4, 2, 1, '0.1.0', 'r', 'complete', '', 1, 'h', 'b', 0, 2, 3);"
          "INSERT INTO span_ops (id, op, kind) VALUES (3, 'q_proj', 'matmul');"
          "INSERT INTO span_blocks (run_id, step, phase, layer, n_spans, total_ns, spans)"
          " VALUES (7, 0, 'prefill', 0, 1, 55, '[[3,10,55,100,200]]');") == SQLITE_OK);
}

RunInfo with_source(WeightsSource w, const std::string& name) {
  RunInfo r = sample_run(name);
  r.weights_source = std::move(w);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prof_store_weights_source)

BOOST_AUTO_TEST_CASE(every_source_kind_round_trips) {
  TempDir dir;
  WeightsSource checkpoint;
  checkpoint.origin = WeightsOrigin::Checkpoint;
  checkpoint.checkpoint = "/models/qwen3 0.6b/ünïcode";
  WeightsSource seeded;
  seeded.origin = WeightsOrigin::Random;
  seeded.seed = UINT64_MAX - 5;  // above INT64_MAX: stored bit for bit in the signed INTEGER
  WeightsSource heavy = seeded;
  heavy.seed = 0;
  heavy.heavy_tailed = true;
  heavy.outlier_fraction = 0.1 / 3;  // not a short decimal: the REAL must keep every bit
  heavy.outlier_scale = 20.0 / 7;
  const std::vector<WeightsSource> sources = {checkpoint, seeded, heavy, WeightsSource{}};
  std::vector<int64_t> ids;
  {
    store::RunStore s = store::RunStore::open(dir / "runs.db");
    for (size_t i = 0; i < sources.size(); ++i)
      ids.push_back(s.create_run(with_source(sources[i], "r" + std::to_string(i))));
  }
  for (bool read_only : {false, true}) {
    store::RunStore s = read_only ? store::RunStore::open_read_only(dir / "runs.db")
                                  : store::RunStore::open(dir / "runs.db");
    for (size_t i = 0; i < sources.size(); ++i) {
      const WeightsSource got = s.get_run(ids[i]).weights_source;
      BOOST_TEST((got == sources[i]), "run " << ids[i] << ": " << describe(got));
    }
    BOOST_TEST(s.list_runs().size() == sources.size());
  }
  RawDb raw(dir / "runs.db");
  // The column holds the seed's bit pattern: -6 as a signed 64-bit integer.
  BOOST_TEST(raw.text("SELECT weights_seed FROM runs WHERE id = " + std::to_string(ids[1])) ==
             "-6");
  BOOST_TEST(raw.text("SELECT weights_seed IS NULL FROM runs WHERE id = " +
                      std::to_string(ids[0])) == "1");
  BOOST_TEST(raw.text("SELECT weights_path FROM runs WHERE id = " + std::to_string(ids[0])) ==
             checkpoint.checkpoint);
}

BOOST_AUTO_TEST_CASE(file_before_the_migration_keeps_its_runs_as_unknown_source) {
  TempDir dir;
  const fs::path path = dir / "old.db";
  write_file_before_weights_source(path);
  {
    // Read-only: read as it is, not migrated.
    store::RunStore s = store::RunStore::open_read_only(path);
    BOOST_TEST(s.schema_version() == store::kWeightsSourceSchemaVersion - 1);
    const RunInfo r = s.get_run(7);
    BOOST_TEST((r.weights_source.origin == WeightsOrigin::Unknown));
    BOOST_TEST(r.name == "old run");
  }
  BOOST_TEST(RawDb(path).integer("PRAGMA user_version") == store::kWeightsSourceSchemaVersion - 1);
  {
    store::RunStore s = store::RunStore::open(path);  // migrates
    BOOST_TEST(s.schema_version() == store::latest_schema_version());
    const RunInfo r = s.get_run(7);
    BOOST_TEST(r.name == "old run");
    BOOST_TEST(r.weights_dtype == "bf16");
    BOOST_TEST(r.warmup == 2);
    BOOST_TEST(r.repeat == 3);
    BOOST_TEST((r.weights_source == WeightsSource{}));
    BOOST_TEST((r.weights_source.origin == WeightsOrigin::Unknown));
    BOOST_TEST(describe(r.weights_source).find("unknown") == 0u);
    const auto spans = s.load_spans(7);
    BOOST_REQUIRE(spans.size() == 1u);
    BOOST_TEST(spans[0].duration_ns == 55);
    // New runs in the migrated file record their source.
    WeightsSource w;
    w.origin = WeightsOrigin::Random;
    w.seed = 11;
    const int64_t id = s.create_run(with_source(w, "new"));
    BOOST_TEST((s.get_run(id).weights_source == w));
    BOOST_TEST(s.list_runs().size() == 2u);
  }
  RawDb raw(path);
  BOOST_TEST(raw.integer("PRAGMA user_version") == store::latest_schema_version());
  BOOST_TEST(raw.text("SELECT weights_source FROM runs WHERE id = 7") == "unknown");
}

BOOST_AUTO_TEST_CASE(a_damaged_source_is_refused_with_the_run) {
  TempDir dir;
  const fs::path path = dir / "runs.db";
  int64_t id = 0;
  {
    store::RunStore s = store::RunStore::open(path);
    id = s.create_run(sample_run());
  }
  {
    RawDb raw(path);
    // The CHECK constraint keeps archscope's own writes honest; a foreign writer is refused too.
    BOOST_TEST(raw.exec("UPDATE runs SET weights_source = 'cloud'") != SQLITE_OK);
  }
  store::RunStore s = store::RunStore::open_read_only(path);
  BOOST_TEST((s.get_run(id).weights_source.origin == WeightsOrigin::Unknown));  // sample_run's
}

BOOST_AUTO_TEST_SUITE_END()
