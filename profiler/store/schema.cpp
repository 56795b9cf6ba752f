#include "store/schema.hpp"

#include <string>

#include "common/error.hpp"
#include "store/sqlite_db.hpp"

namespace archscope::prof::store {

namespace {

// Version 1. Design notes (docs/run-store.md has the long form):
// - unsigned 64-bit flops/bytes are stored bit-for-bit in SQLite's signed INTEGER.
// - spans are stored in blocks: one span_blocks row per run of consecutive spans of one (step,
//   layer), holding them as a JSON array of [op_id, start_ns, duration_ns, flops, bytes] with op
//   and kind names in the span_ops dictionary. One SQLite row per span cannot be written at 1M/s
//   with the indexes the views need (measured: 4-6 s per 1M rows with three indexes, 1.5 s with
//   none); blocks are ~15-40x fewer rows. The `spans` view expands blocks back into one row per
//   span (json_each), so SQL over spans still reads naturally; step and layer filters on the view
//   use the block indexes.
// - expert counts are one row per (step, layer) with the per-expert vector packed as little-endian
//   int64: views always read whole vectors, and one row per expert would be 64-256x more rows.
// - KV bytes per cache kind is a child table of steps, so a new kind needs no schema change.
// - writer_* identify the writing process so the next open can tell a crashed run from a live one.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  model TEXT NOT NULL,
  config_json TEXT NOT NULL,
  backend TEXT NOT NULL,
  device TEXT NOT NULL,
  weights_dtype TEXT NOT NULL,
  kv_dtype TEXT NOT NULL,
  batch INTEGER NOT NULL,
  prompt_tokens INTEGER NOT NULL,
  new_tokens INTEGER NOT NULL,
  threads INTEGER NOT NULL,
  version TEXT NOT NULL,
  git_revision TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'interrupted')),
  failure TEXT NOT NULL DEFAULT '',
  writer_pid INTEGER NOT NULL,
  writer_host TEXT NOT NULL,
  writer_boot_id TEXT NOT NULL,
  writer_start_ticks INTEGER NOT NULL
);
CREATE INDEX runs_by_time ON runs (started_at);
CREATE INDEX runs_running ON runs (status) WHERE status = 'running';

CREATE TABLE steps (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  phase TEXT NOT NULL CHECK (phase IN ('prefill', 'decode')),
  tokens INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  duration_ns INTEGER NOT NULL,
  kv_allocated_bytes INTEGER NOT NULL,
  kv_used_bytes INTEGER NOT NULL,
  context_tokens INTEGER NOT NULL,
  PRIMARY KEY (run_id, step)
) WITHOUT ROWID;

CREATE TABLE step_kv (
  run_id INTEGER NOT NULL,
  step INTEGER NOT NULL,
  kind TEXT NOT NULL,
  used_bytes INTEGER NOT NULL,
  PRIMARY KEY (run_id, step, kind),
  FOREIGN KEY (run_id, step) REFERENCES steps (run_id, step) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE span_ops (
  id INTEGER PRIMARY KEY,
  op TEXT NOT NULL,
  kind TEXT NOT NULL,
  UNIQUE (op, kind)
);
CREATE TABLE span_blocks (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  phase TEXT NOT NULL CHECK (phase IN ('prefill', 'decode')),
  layer INTEGER NOT NULL,
  n_spans INTEGER NOT NULL,
  total_ns INTEGER NOT NULL,
  spans TEXT NOT NULL
);
CREATE INDEX span_blocks_by_step ON span_blocks (run_id, step);
CREATE INDEX span_blocks_by_layer ON span_blocks (run_id, layer);
CREATE INDEX span_blocks_by_phase ON span_blocks (run_id, phase);
CREATE VIEW spans AS
  SELECT b.run_id AS run_id, b.step AS step, b.phase AS phase, b.layer AS layer, o.op AS op,
         o.kind AS kind, json_extract(s.value, '$[1]') AS start_ns,
         json_extract(s.value, '$[2]') AS duration_ns, json_extract(s.value, '$[3]') AS flops,
         json_extract(s.value, '$[4]') AS bytes, b.id AS block_id, s.key AS position
  FROM span_blocks AS b, json_each(b.spans) AS s
  JOIN span_ops AS o ON o.id = json_extract(s.value, '$[0]');

CREATE TABLE expert_counts (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  layer INTEGER NOT NULL,
  n_experts INTEGER NOT NULL,
  counts BLOB NOT NULL CHECK (length(counts) = 8 * n_experts),
  PRIMARY KEY (run_id, step, layer)
);

CREATE TABLE activations (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  layer INTEGER NOT NULL,
  rms REAL,
  finite INTEGER NOT NULL CHECK (finite IN (0, 1)),
  first_bad_op TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, step, layer)
) WITHOUT ROWID;
)sql";

// Version 2: how a run was measured. warmup_passes ran before the recorded steps and were not
// recorded; measured_passes is what --repeat asked for (an interrupted run may hold fewer, the
// steps say how many: each pass begins with a prefill); checks = 0 when the NaN/Inf and
// residual-RMS checks were off (no activation rows); prefill_chunk the prompt tokens per sequence
// of one prefill step (0: the whole prompt in one step). Runs of v1 files were measured once,
// warm-up free, with checks on and an unchunked prefill: the defaults.
constexpr std::string_view kV2 = R"sql(
ALTER TABLE runs ADD COLUMN warmup_passes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN measured_passes INTEGER NOT NULL DEFAULT 1;
ALTER TABLE runs ADD COLUMN checks INTEGER NOT NULL DEFAULT 1 CHECK (checks IN (0, 1));
ALTER TABLE runs ADD COLUMN prefill_chunk INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 3: each run's span totals per (phase, layer) and per (phase, op kind), kept by the
// writer in the same transaction as the spans they sum (so they match the committed spans after a
// crash too), and filled here for the runs of older files. Summing the span rows on every open
// costs seconds for a 1M-span run (the kind totals expand every block with json_each); these are
// a few dozen rows. Layer totals include the step's `other` span (layer -2); readers skip it.
constexpr std::string_view kV3 = R"sql(
CREATE TABLE run_layer_totals (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  phase TEXT NOT NULL CHECK (phase IN ('prefill', 'decode')),
  layer INTEGER NOT NULL,
  total_ns INTEGER NOT NULL,
  spans INTEGER NOT NULL,
  PRIMARY KEY (run_id, phase, layer)
) WITHOUT ROWID;
CREATE TABLE run_kind_totals (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  phase TEXT NOT NULL CHECK (phase IN ('prefill', 'decode')),
  kind TEXT NOT NULL,
  total_ns INTEGER NOT NULL,
  flops INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  spans INTEGER NOT NULL,
  PRIMARY KEY (run_id, phase, kind)
) WITHOUT ROWID;
INSERT INTO run_layer_totals (run_id, phase, layer, total_ns, spans)
  SELECT run_id, phase, layer, SUM(total_ns), SUM(n_spans) FROM span_blocks
  GROUP BY run_id, phase, layer;
INSERT INTO run_kind_totals (run_id, phase, kind, total_ns, flops, bytes, spans)
  SELECT run_id, phase, kind, SUM(duration_ns), SUM(flops), SUM(bytes), COUNT(*) FROM spans
  GROUP BY run_id, phase, kind;
)sql";

constexpr Migration kMigrations[] = {
    {1, "runs, steps, step_kv, span_ops, span_blocks, spans view, expert_counts, activations", kV1},
    {2, "runs.warmup_passes, runs.measured_passes, runs.checks, runs.prefill_chunk", kV2},
    {kRunTotalsVersion, "run_layer_totals, run_kind_totals (span totals per run)", kV3},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int latest_schema_version() { return kMigrations[std::size(kMigrations) - 1].to_version; }

void migrate(sql::Db& db, std::span<const Migration> steps) {
  sql::Transaction tx(db);
  // Read inside the transaction: another process may have migrated the file since we looked.
  int64_t version = db.query_int("PRAGMA user_version");
  int expected = static_cast<int>(version) + 1;
  for (const Migration& m : steps) {
    if (m.to_version <= version) continue;
    if (m.to_version != expected) {
      throw Error(ErrorKind::Internal, db.path(),
                  "schema migration list jumps from version " + std::to_string(expected - 1) +
                      " to " + std::to_string(m.to_version));
    }
    try {
      db.exec(m.sql);
    } catch (const Error& e) {
      throw Error(e.kind(), db.path(),
                  "schema migration to version " + std::to_string(m.to_version) + " (" +
                      std::string(m.description) + ") failed: " + e.message());
    }
    ++expected;
  }
  // PRAGMA values cannot be bound parameters; both are integers we produced.
  db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
  db.exec("PRAGMA user_version = " + std::to_string(expected - 1));
  tx.commit();
}

}  // namespace archscope::prof::store
