// Buffers a run's records and writes them in batches: one transaction per batch, prepared
// statements reused, commit when `max_records` are buffered or `max_delay_ms` has passed since the
// last commit (checked as records arrive). Whatever was committed survives a crash of the process.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/kernel_records.hpp"
#include "model/run_records.hpp"

namespace archscope::prof::store {

struct WriterOptions {
  size_t max_records = 8192;  // per transaction; larger batches amortise the commit
  std::chrono::milliseconds max_delay{250};  // so a slow run still becomes visible to readers
};

struct StoreStatements;  // private: the prepared INSERTs of one connection

class RunWriter {
 public:
  RunWriter(StoreStatements& statements, int64_t run_id, const WriterOptions& options);
  RunWriter(RunWriter&&) noexcept;
  RunWriter& operator=(RunWriter&&) = delete;
  RunWriter(const RunWriter&) = delete;
  // Commits what is buffered; a run never finished is marked interrupted ("writer closed before the
  // run finished"). Errors here are swallowed: a destructor cannot report them.
  ~RunWriter();

  // Each add may commit a batch. Once an interrupt was requested (interrupt.hpp) the next add
  // commits the buffer, marks the run `interrupted`, and from then on records are dropped and
  // add() returns false; the caller should stop the run.
  bool add(const SpanRecord& r);
  bool add(const StepRecord& r);
  bool add(const ExpertCountRecord& r);
  bool add(const ActivationRecord& r);
  bool add(const KernelRecord& r);  // in the step's start order
  bool add(const StepMemoryRecord& r);

  void flush();  // commit the buffer now (e.g. at the end of each step)
  // Flushes and sets the run's final status. After an interrupt was honoured the run stays
  // `interrupted` whatever is passed. Calling it twice is an error.
  void finish(RunStatus status, const std::string& failure = {});

  bool closed() const { return closed_; }
  int64_t run_id() const { return run_id_; }
  int64_t committed_records() const { return committed_; }

 private:
  bool after_add();
  // Writes the buffer in one transaction, with the run's final status when given.
  void commit_buffer(std::optional<RunStatus> final_status, const std::string& failure);

  StoreStatements* st_;
  int64_t run_id_;
  WriterOptions options_;
  std::vector<SpanRecord> spans_;
  std::vector<StepRecord> steps_;
  std::vector<ExpertCountRecord> experts_;
  std::vector<ActivationRecord> activations_;
  std::vector<KernelRecord> kernels_;
  std::vector<StepMemoryRecord> memory_;
  int64_t kernel_step_ = -1, kernel_seq_ = 0;  // the position of the next kernel in its step
  size_t buffered_ = 0;
  int64_t committed_ = 0;
  std::chrono::steady_clock::time_point last_commit_;
  bool closed_ = false;    // no more records: finished, interrupted or abandoned
  bool finished_ = false;  // finish() was called
};

}  // namespace archscope::prof::store
