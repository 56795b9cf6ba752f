// The stored span totals (run_layer_totals, run_kind_totals): what the writer keeps batch by batch
// and what the migration fills for older files must equal the SQL aggregate over the span rows,
// the query the store used before it kept totals (written out here, independent of the store).
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

namespace {

// The reference: per-layer totals from the blocks, per-kind totals from the expanded spans view,
// each as one "a,b,c;..." string in the order the store promises.
std::string reference_layers(RawDb& raw, int64_t run) {
  return raw.text(
      "SELECT group_concat(line, ';') FROM (SELECT layer || ',' || phase || ',' || SUM(total_ns) "
      "|| ','"
      " || SUM(n_spans) AS line FROM span_blocks WHERE run_id = " +
      std::to_string(run) +
      " AND layer != -2 GROUP BY layer, phase ORDER BY layer,"
      " CASE phase WHEN 'prefill' THEN 0 ELSE 1 END)");
}

std::string reference_kinds(RawDb& raw, int64_t run) {
  return raw.text(
      "SELECT group_concat(line, ';') FROM (SELECT kind || ',' || phase || ',' || SUM(duration_ns)"
      " || ',' || SUM(flops) || ',' || SUM(bytes) || ',' || COUNT(*) AS line FROM spans WHERE"
      " run_id = " +
      std::to_string(run) +
      " GROUP BY kind, phase ORDER BY CASE phase WHEN 'prefill' THEN 0 ELSE 1 END,"
      " SUM(duration_ns) DESC, kind)");
}

std::string joined(const std::vector<store::LayerTime>& v) {
  std::string s;
  for (const auto& l : v) {
    if (!s.empty()) s += ';';
    s += std::to_string(l.layer) + "," + to_string(l.phase) + "," + std::to_string(l.total_ns) +
         "," + std::to_string(l.spans);
  }
  return s;
}

std::string joined(const std::vector<store::KindTime>& v) {
  std::string s;
  for (const auto& k : v) {
    if (!s.empty()) s += ';';
    s += k.kind + "," + to_string(k.phase) + "," + std::to_string(k.total_ns) + "," +
         std::to_string(static_cast<int64_t>(k.flops)) + "," +
         std::to_string(static_cast<int64_t>(k.bytes)) + "," + std::to_string(k.spans);
  }
  return s;
}

// A run as the profiler writes one: per step, the prologue, `layers` layers of five ops, the
// epilogue and the step's `other` span; batches of `batch` records, so one (step, layer) is split
// over commits and the totals are summed across them.
void write_run(store::RunStore& db, int64_t run, int steps, int layers, size_t batch, bool finish) {
  store::RunWriter w = db.writer(run, {.max_records = batch});
  const char* ops[][2] = {{"attn_norm", "norm"},
                          {"q_proj", "matmul"},
                          {"attn_scores", "attention"},
                          {"down_proj", "matmul"},
                          {"act", "elementwise"}};
  for (int step = 0; step < steps; ++step) {
    for (int layer = -1; layer <= layers; ++layer) {
      for (const auto& op : ops) {
        SpanRecord s = span(step, layer, op[0], op[1], 100 + 37 * step + 11 * layer + op[0][1]);
        s.flops = uint64_t(1) << (20 + layer % 7);
        w.add(s);
      }
    }
    SpanRecord other = span(step, kStepLayer, kOtherOp, "other", 9 + step);
    w.add(other);
    StepRecord st;
    st.step = step;
    st.phase = step == 0 ? Phase::Prefill : Phase::Decode;
    st.tokens = step == 0 ? 7 : 1;
    st.duration_ns = 5000;
    w.add(st);
  }
  if (finish) w.finish(RunStatus::Complete);
  // else: the destructor commits the buffer and marks the run interrupted
}

void check_totals(store::RunStore& db, RawDb& raw, int64_t run) {
  const std::string layers = reference_layers(raw, run), kinds = reference_kinds(raw, run);
  BOOST_TEST(!layers.empty());
  BOOST_TEST(!kinds.empty());
  BOOST_TEST(joined(db.layer_times(run)) == layers);
  BOOST_TEST(joined(db.kind_times(run)) == kinds);
  BOOST_TEST(joined(db.layer_times(run, store::RunStore::AggregateFrom::Spans)) == layers);
  BOOST_TEST(joined(db.kind_times(run, store::RunStore::AggregateFrom::Spans)) == kinds);
}

// Copies every row of `table` from the attached database `src` into the same table of `raw`'s
// main database, naming the columns the destination has (an older schema has fewer).
void copy_table(RawDb& raw, const std::string& table) {
  const std::string cols =
      raw.text("SELECT group_concat(name, ', ') FROM pragma_table_info('" + table + "')");
  BOOST_REQUIRE(!cols.empty());
  BOOST_REQUIRE(raw.exec("INSERT INTO main." + table + " (" + cols + ") SELECT " + cols +
                         " FROM src." + table) == SQLITE_OK);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prof_store_run_totals)

BOOST_AUTO_TEST_CASE(writer_totals_equal_the_sql_aggregate_over_spans) {
  TempDir dir;
  const auto path = dir / "runs.db";
  store::RunStore db = store::RunStore::open(path);
  BOOST_TEST(db.has_stored_totals());
  const int64_t a = db.create_run(sample_run("a"));
  const int64_t b = db.create_run(sample_run("b"));
  const int64_t c = db.create_run(sample_run("c"));
  write_run(db, a, 6, 4, 7, true);     // batches that split layers
  write_run(db, b, 3, 2, 8192, true);  // one batch
  write_run(db, c, 4, 3, 5, false);    // abandoned: interrupted, totals of what was committed
  BOOST_TEST((db.get_run(c).status == RunStatus::Interrupted));
  RawDb raw(path);
  for (int64_t id : {a, b, c}) check_totals(db, raw, id);
  // The totals are rows of their own, not the span sum computed again.
  BOOST_TEST(raw.integer("SELECT count(*) FROM run_kind_totals WHERE run_id = " +
                         std::to_string(a)) == 10);
  // Deleting a run deletes its totals.
  db.delete_run(a);
  BOOST_TEST(raw.integer("SELECT count(*) FROM run_layer_totals WHERE run_id = " +
                         std::to_string(a)) == 0);
  BOOST_TEST(
      raw.integer("SELECT count(*) FROM run_kind_totals WHERE run_id = " + std::to_string(a)) == 0);
  check_totals(db, raw, b);
}

BOOST_AUTO_TEST_CASE(a_run_without_spans_has_no_totals) {
  TempDir dir;
  store::RunStore db = store::RunStore::open(dir / "runs.db");
  const int64_t id = db.create_run(sample_run());
  store::RunWriter w = db.writer(id);
  StepRecord st;
  w.add(st);
  w.finish(RunStatus::Complete);
  BOOST_TEST(db.layer_times(id).empty());
  BOOST_TEST(db.kind_times(id).empty());
  BOOST_CHECK_THROW(db.layer_times(id + 1), Error);
}

// A file of the schema before the totals, holding runs the real writer wrote (copied row by row
// into a database built with the older migrations): opening it migrates, keeps every run and
// fills totals equal to the span aggregate; a read-only open leaves it alone and sums the spans.
BOOST_AUTO_TEST_CASE(older_file_gets_its_totals_on_migration) {
  TempDir dir;
  const auto fresh = dir / "fresh.db", old = dir / "old.db";
  int64_t a = 0, b = 0;
  {
    store::RunStore db = store::RunStore::open(fresh);
    a = db.create_run(sample_run("a"));
    b = db.create_run(sample_run("b"));
    write_run(db, a, 5, 3, 6, true);
    write_run(db, b, 2, 2, 100, false);
  }
  const int previous = store::kRunTotalsVersion - 1;
  {
    sql::Db db(old.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    store::migrate(db, store::migrations().first(static_cast<size_t>(previous)));
  }
  {
    RawDb raw(old);
    BOOST_REQUIRE(raw.exec("ATTACH DATABASE '" + fresh.string() + "' AS src") == SQLITE_OK);
    for (const char* t :
         {"runs", "steps", "step_kv", "span_ops", "span_blocks", "expert_counts", "activations"})
      copy_table(raw, t);
    BOOST_REQUIRE(raw.exec("DETACH DATABASE src") == SQLITE_OK);
    BOOST_TEST(raw.integer("PRAGMA user_version") == previous);
    BOOST_TEST(raw.integer("SELECT count(*) FROM sqlite_master WHERE name = 'run_kind_totals'") ==
               0);
  }

  // Read-only: no migration, the same figures from the span rows, the file unchanged.
  const std::string before = file_bytes(old);
  {
    store::RunStore ro = store::RunStore::open_read_only(old);
    BOOST_TEST(!ro.has_stored_totals());
    RawDb raw(old);
    check_totals(ro, raw, a);
  }
  BOOST_TEST(file_bytes(old) == before);

  store::RunStore db = store::RunStore::open(old);
  BOOST_TEST(db.schema_version() == store::latest_schema_version());
  BOOST_TEST(db.has_stored_totals());
  BOOST_TEST(db.list_runs().size() == 2u);
  BOOST_TEST(db.get_run(a).name == "a");
  BOOST_TEST(db.load_spans(b).size() == 2u * (4u * 5u + 1u));
  RawDb raw(old);
  BOOST_TEST(raw.integer("PRAGMA user_version") == store::latest_schema_version());
  BOOST_TEST(raw.integer("SELECT count(*) FROM run_layer_totals") > 0);
  for (int64_t id : {a, b}) check_totals(db, raw, id);
  // The migrated totals are the ones the writer stored in the fresh file.
  store::RunStore fresh_db = store::RunStore::open_read_only(fresh);
  BOOST_TEST(joined(fresh_db.kind_times(a)) == joined(db.kind_times(a)));
  BOOST_TEST(joined(fresh_db.layer_times(b)) == joined(db.layer_times(b)));
  // Runs written after the migration get their totals from the writer again.
  const int64_t c = db.create_run(sample_run("c"));
  write_run(db, c, 3, 2, 9, true);
  check_totals(db, raw, c);
}

BOOST_AUTO_TEST_CASE(rename_changes_only_the_name) {
  TempDir dir;
  const auto path = dir / "runs.db";
  store::RunStore db = store::RunStore::open(path);
  const int64_t id = db.create_run(sample_run("before"));
  write_run(db, id, 2, 2, 100, true);
  RunInfo was = db.get_run(id);
  db.rename_run(id, "after ✓ 'quoted'");
  RunInfo now = db.get_run(id);
  BOOST_TEST(now.name == "after ✓ 'quoted'");
  now.name = was.name;
  BOOST_TEST(prof::to_string(now.status) == prof::to_string(was.status));
  BOOST_TEST(now.finished_at == was.finished_at);
  BOOST_TEST(now.model == was.model);
  BOOST_CHECK_THROW(db.rename_run(id + 5, "x"), Error);
  store::RunStore ro = store::RunStore::open_read_only(path);
  BOOST_CHECK_THROW(ro.rename_run(id, "y"), Error);
  BOOST_TEST(ro.get_run(id).name == "after ✓ 'quoted'");
}

BOOST_AUTO_TEST_SUITE_END()
