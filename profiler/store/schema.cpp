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

// Version 3: device activity of CUDA runs traced with CUPTI (docs/profiling.md, "Kernel records").
// kernels: one row per kernel, memcpy or memset of a recorded step, joined to the op and layer that
// launched it (layer -2 / op 'other' when none did), on the run's clock. step_memory: the device
// memory after each step (the backend allocator's in-use and reserved bytes; cudaMemGetInfo's used
// and total for the whole device). Older runs have neither: they were not traced.
constexpr std::string_view kV3 = R"sql(
CREATE TABLE kernels (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  layer INTEGER NOT NULL,
  op TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('kernel', 'memcpy', 'memset')),
  name TEXT NOT NULL,
  grid_x INTEGER NOT NULL, grid_y INTEGER NOT NULL, grid_z INTEGER NOT NULL,
  block_x INTEGER NOT NULL, block_y INTEGER NOT NULL, block_z INTEGER NOT NULL,
  registers INTEGER NOT NULL,
  shared_bytes INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  duration_ns INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  PRIMARY KEY (run_id, step, seq)
) WITHOUT ROWID;
CREATE TABLE step_memory (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  allocator_in_use_bytes INTEGER NOT NULL,
  allocator_reserved_bytes INTEGER NOT NULL,
  device_used_bytes INTEGER NOT NULL,
  device_total_bytes INTEGER NOT NULL,
  PRIMARY KEY (run_id, step)
) WITHOUT ROWID;
)sql";

// Version 4 (issue 12): runs.weights_quant, the --weights-quant scheme a run's block linear
// weights were quantized to ('' for runs of older files: source precision). `archscope quant`
// stores its measurement as a run (prompt_tokens = the tokens scored, new_tokens = 0) with one
// quant_evals row, a quant_schemes row per scheme (bits/weight, bytes, logit KL / top-1 /
// perplexity), per tensor the weight SQNR's two sums (Σw², Σ(w−ŵ)²; the SQNR follows, also when
// it is infinite), per layer the residual stream's relative L2 error, and the source run's
// activation outliers per (layer, linear op).
constexpr std::string_view kV4 = R"sql(
ALTER TABLE runs ADD COLUMN weights_quant TEXT NOT NULL DEFAULT '';
CREATE TABLE quant_evals (
  run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  tokens INTEGER NOT NULL,
  source_dtype TEXT NOT NULL,
  source_bytes INTEGER NOT NULL,
  source_perplexity REAL
);
CREATE TABLE quant_schemes (
  run_id INTEGER NOT NULL REFERENCES quant_evals (run_id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  scheme TEXT NOT NULL,
  bits_per_weight REAL NOT NULL,
  quantized_bytes INTEGER NOT NULL,
  total_bytes INTEGER NOT NULL,
  kl_mean REAL NOT NULL,
  kl_max REAL NOT NULL,
  kl_max_position INTEGER NOT NULL,
  top1_agreement REAL NOT NULL,
  perplexity REAL,
  PRIMARY KEY (run_id, scheme)
) WITHOUT ROWID;
CREATE TABLE quant_tensors (
  run_id INTEGER NOT NULL,
  scheme TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  layer INTEGER NOT NULL,
  elements INTEGER NOT NULL,
  signal REAL NOT NULL,
  noise REAL NOT NULL,
  PRIMARY KEY (run_id, scheme, position),
  FOREIGN KEY (run_id, scheme) REFERENCES quant_schemes (run_id, scheme) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE quant_layers (
  run_id INTEGER NOT NULL,
  scheme TEXT NOT NULL,
  layer INTEGER NOT NULL,
  rel_l2 REAL NOT NULL,
  PRIMARY KEY (run_id, scheme, layer),
  FOREIGN KEY (run_id, scheme) REFERENCES quant_schemes (run_id, scheme) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE quant_outliers (
  run_id INTEGER NOT NULL REFERENCES quant_evals (run_id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  layer INTEGER NOT NULL,
  op TEXT NOT NULL,
  channels INTEGER NOT NULL,
  absmax REAL NOT NULL,
  median_absmax REAL NOT NULL,
  PRIMARY KEY (run_id, position)
) WITHOUT ROWID;
)sql";

// Version 5: layer slices (`--layers A:B`). layer_first and layer_last are the layers that ran,
// both included; NULL in both: the whole model ran (every run of an older file). The per-layer
// times a slice's whole-model estimate needs are the spans' (layer, start_ns) already stored.
constexpr std::string_view kV5 = R"sql(
ALTER TABLE runs ADD COLUMN layer_first INTEGER CHECK (layer_first IS NULL OR layer_first >= 0);
ALTER TABLE runs ADD COLUMN layer_last INTEGER CHECK (layer_last IS NULL OR layer_last >= 0);
)sql";

// Version 6: where the run's weights came from, so the run can be built again (perplexity
// --kl-reference RUN). weights_source 'checkpoint': weights_path is the Hugging Face directory
// as an absolute path; 'random': the engine's seeded random weights, weights_seed their seed
// (a uint64 stored bit-for-bit in the signed INTEGER, like flops), weights_outlier_fraction and
// weights_outlier_scale set for the heavy-tailed init and NULL for the plain one. Runs of older
// files were not recorded: 'unknown', and nothing can re-create them.
constexpr std::string_view kV6 = R"sql(
ALTER TABLE runs ADD COLUMN weights_source TEXT NOT NULL DEFAULT 'unknown'
  CHECK (weights_source IN ('unknown', 'checkpoint', 'random'));
ALTER TABLE runs ADD COLUMN weights_path TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN weights_seed INTEGER;
ALTER TABLE runs ADD COLUMN weights_outlier_fraction REAL;
ALTER TABLE runs ADD COLUMN weights_outlier_scale REAL;
)sql";

// Version 7: each run's span totals per (phase, layer) and per (phase, op kind), kept by the
// writer in the same transaction as the spans they sum (so they match the committed spans after a
// crash too), and filled here for the runs of older files. Summing the span rows on every open
// costs seconds for a 1M-span run (the kind totals expand every block with json_each); these are
// a few dozen rows. Layer totals include the step's `other` span (layer -2); readers skip it.
constexpr std::string_view kV7 = R"sql(
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
    {3, "kernels, step_memory", kV3},
    {kWeightsQuantVersion, "runs.weights_quant, quant_evals, quant_schemes, quant_tensors, quant_layers, quant_outliers",
     kV4},
    {kSliceVersion, "runs.layer_first, runs.layer_last (layer slices)", kV5},
    {kWeightsSourceSchemaVersion,
     "runs.weights_source, weights_path, weights_seed, weights_outlier_fraction, "
     "weights_outlier_scale",
     kV6},
    {kRunTotalsVersion, "run_layer_totals, run_kind_totals (span totals per run)", kV7},
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
