// The SQLite run store: one database file holding every profiled run. open() creates, migrates and
// validates the file, and marks runs whose writer process died as `interrupted`; open_read_only()
// only reads. A writable store keeps the file in WAL mode while it is open and returns it to a
// rollback journal when it closes as the last connection, so a file at rest is one file that a
// reader can open without creating anything beside it.
//
// Threading: a RunStore is one SQLite connection; use it from one thread at a time. Concurrent
// readers and a writer (threads or processes) each open their own RunStore on the same file; WAL
// mode gives every read a consistent snapshot while the writer commits.
#pragma once

#include <climits>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/run_records.hpp"
#include "store/run_aggregates.hpp"
#include "store/run_writer.hpp"

namespace archscope::prof::store {

// Steps [first, last] of a run, for loading only what is new (following a run as it is written).
struct StepRange {
  int64_t first = 0;
  int64_t last = INT64_MAX;
};

// Filters for load_spans; each set field narrows the result (indexes exist for each).
struct SpanFilter {
  std::optional<int64_t> step;
  std::optional<StepRange> steps;
  std::optional<int32_t> layer;
  std::optional<std::string> kind;
};

class RunStore {
 public:
  // Opens `path`, creating the file when it does not exist (its directory must). Throws
  // archscope::Error naming the file: Io for a directory / unreadable path, Parse for a corrupt or
  // truncated file, Validation for a SQLite database that is not an archscope store, Unsupported
  // for a store written by a newer archscope. In all those cases the file is left untouched.
  static RunStore open(const std::filesystem::path& path);
  // Opens `path` for reading only: never creates, migrates, converts or sweeps it (the bytes of
  // the file stay as they are; SQLite's -wal / -shm companions appear only while another process
  // has the file open for writing). Error(NotFound) when the file does not exist, the same
  // errors as open() for a bad file; an empty file reads as a store without runs; a file of an
  // older schema is read as it is. Runs whose writer died read as `interrupted` (the next
  // writable open marks them so). Writes throw Error(Validation).
  static RunStore open_read_only(const std::filesystem::path& path);

  RunStore(RunStore&&) noexcept;
  RunStore& operator=(RunStore&&) noexcept;
  ~RunStore();

  const std::filesystem::path& path() const;
  bool read_only() const;
  int64_t schema_version() const;  // of the file
  // Runs that this open() found `running` with a dead writer and marked `interrupted`.
  const std::vector<int64_t>& interrupted_on_open() const;

  // Inserts the run (id, finished_at ignored; started_at filled with the current UTC time when
  // empty) with this process as its writer; returns the new id.
  int64_t create_run(const RunInfo& info);
  // Sets the final status (not Running), its reason and finished_at. Throws NotFound.
  void finish_run(int64_t id, RunStatus status, const std::string& failure = {});
  std::vector<RunInfo> list_runs();  // newest first
  RunInfo get_run(int64_t id);       // throws NotFound
  void delete_run(int64_t id);       // with all its records; throws NotFound
  // Sets the run's name (any text, "" included). Throws NotFound; Validation when read-only.
  void rename_run(int64_t id, const std::string& name);

  // A batched writer for one run's records. The store must outlive it.
  RunWriter writer(int64_t run_id, const WriterOptions& options = {});

  // Records of a run, in the order they were written. Throw NotFound for an unknown run.
  std::vector<SpanRecord> load_spans(int64_t run_id, const SpanFilter& filter = {});
  std::vector<StepRecord> load_steps(int64_t run_id, const StepRange& steps = {});
  std::vector<ExpertCountRecord> load_expert_counts(int64_t run_id, const StepRange& steps = {});
  std::vector<ActivationRecord> load_activations(int64_t run_id, const StepRange& steps = {});
  // Device activity and memory (schema 3; an older file read as it is has none): kernels in step
  // and start order.
  std::vector<KernelRecord> load_kernels(int64_t run_id, const StepRange& steps = {});
  std::vector<StepMemoryRecord> load_step_memory(int64_t run_id, const StepRange& steps = {});

  // Holds one read transaction: every load made while it lives sees the same committed state,
  // whatever writers commit meanwhile. Only reads may be made through the store while it lives.
  // Nested inside another snapshot it is a no-op (the outer one's state is seen).
  class ReadSnapshot {
   public:
    explicit ReadSnapshot(RunStore& store);
    ~ReadSnapshot();
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

   private:
    RunStore& store_;
    bool own_ = false;
  };

  // Aggregates for the compare view and the runs browser (throw NotFound for an unknown run):
  // read from the totals the writer stores with the spans (schema v3 on), or summed over the
  // span rows (AggregateFrom::Spans, and what files without stored totals always get; seconds
  // for a 1M-span run). Both give the same rows.
  enum class AggregateFrom { StoredTotals, Spans };
  std::vector<LayerTime> layer_times(
      int64_t run_id, AggregateFrom from = AggregateFrom::StoredTotals);  // by layer, then phase
  std::vector<KindTime> kind_times(
      int64_t run_id,
      AggregateFrom from = AggregateFrom::StoredTotals);  // by phase, then time descending
  bool has_stored_totals() const;                         // the file has the totals tables
  // Steps with spans per phase ({prefill, decode}): every step of a run with spans, the traced
  // ones of a sampled CUPTI run (`run --cupti-sample`).
  std::pair<int64_t, int64_t> steps_with_spans(int64_t run_id);
  RunThroughput throughput(int64_t run_id);

  struct Impl;
  // For the store's table modules in their own files (quant_table.hpp): the connection and state.
  Impl& impl() { return *impl_; }

 private:
  explicit RunStore(std::unique_ptr<Impl> impl);
  void require_run(int64_t id);
  void require_writable() const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace archscope::prof::store
