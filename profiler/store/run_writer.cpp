#include "store/run_writer.hpp"

#include "common/error.hpp"
#include "store/interrupt.hpp"
#include "store/runs_table.hpp"
#include "store/store_statements.hpp"

namespace archscope::prof::store {

namespace {
constexpr const char* kInterruptedBySignal = "interrupted by signal";
constexpr const char* kAbandoned = "writer closed before the run finished";
}  // namespace

RunWriter::RunWriter(StoreStatements& statements, int64_t run_id, const WriterOptions& options)
    : st_(&statements),
      run_id_(run_id),
      options_(options),
      last_commit_(std::chrono::steady_clock::now()) {
  if (options_.max_records == 0) options_.max_records = 1;
}

RunWriter::RunWriter(RunWriter&& o) noexcept
    : st_(o.st_),
      run_id_(o.run_id_),
      options_(o.options_),
      spans_(std::move(o.spans_)),
      steps_(std::move(o.steps_)),
      experts_(std::move(o.experts_)),
      activations_(std::move(o.activations_)),
      kernels_(std::move(o.kernels_)),
      memory_(std::move(o.memory_)),
      kernel_step_(o.kernel_step_),
      kernel_seq_(o.kernel_seq_),
      buffered_(o.buffered_),
      committed_(o.committed_),
      last_commit_(o.last_commit_),
      closed_(o.closed_),
      finished_(o.finished_) {
  o.st_ = nullptr;  // the moved-from writer owns nothing and its destructor does nothing
}

RunWriter::~RunWriter() {
  if (!st_ || closed_) return;
  try {
    commit_buffer(RunStatus::Interrupted, kAbandoned);
  } catch (...) {  // nowhere to report it; what was committed before stays
  }
}

bool RunWriter::add(const SpanRecord& r) {
  if (closed_) return false;
  spans_.push_back(r);
  return after_add();
}

bool RunWriter::add(const StepRecord& r) {
  if (closed_) return false;
  steps_.push_back(r);
  return after_add();
}

bool RunWriter::add(const ExpertCountRecord& r) {
  if (closed_) return false;
  experts_.push_back(r);
  return after_add();
}

bool RunWriter::add(const ActivationRecord& r) {
  if (closed_) return false;
  activations_.push_back(r);
  return after_add();
}

bool RunWriter::add(const KernelRecord& r) {
  if (closed_) return false;
  kernels_.push_back(r);
  return after_add();
}

bool RunWriter::add(const StepMemoryRecord& r) {
  if (closed_) return false;
  memory_.push_back(r);
  return after_add();
}

bool RunWriter::after_add() {
  ++buffered_;
  // The interrupt flag is honoured at a batch boundary: the record just added is committed with
  // the rest of the buffer, in the same transaction that marks the run interrupted.
  if (interrupt_requested()) {
    commit_buffer(RunStatus::Interrupted, kInterruptedBySignal);
    return false;
  }
  if (buffered_ >= options_.max_records ||
      std::chrono::steady_clock::now() - last_commit_ >= options_.max_delay) {
    commit_buffer(std::nullopt, {});
  }
  return true;
}

void RunWriter::flush() {
  if (!st_ || closed_) return;
  commit_buffer(std::nullopt, {});
}

void RunWriter::finish(RunStatus status, const std::string& failure) {
  if (!st_) throw Error(ErrorKind::Internal, "", "finish() on a moved-from RunWriter");
  if (finished_) {
    throw Error(ErrorKind::Internal, st_->db.path(),
                "run " + std::to_string(run_id_) + " finished twice");
  }
  if (status == RunStatus::Running) {
    throw Error(ErrorKind::Validation, st_->db.path(), "a run cannot be finished as 'running'");
  }
  finished_ = true;
  if (closed_) return;  // interrupted already: that status stands
  commit_buffer(status, failure);
}

void RunWriter::commit_buffer(std::optional<RunStatus> final_status, const std::string& failure) {
  const size_t n = buffered_;
  // The buffer is dropped whether the commit succeeds or not: retrying a batch that broke a
  // constraint would fail the same way on every later add.
  struct Clear {
    RunWriter& w;
    ~Clear() {
      w.spans_.clear();
      w.steps_.clear();
      w.experts_.clear();
      w.activations_.clear();
      w.kernels_.clear();
      w.memory_.clear();
      w.buffered_ = 0;
      w.last_commit_ = std::chrono::steady_clock::now();
    }
  } clear{*this};
  if (final_status) closed_ = true;  // even if the commit fails, no more records for this run
  if (n == 0 && !final_status) return;

  sql::Transaction tx(st_->db);
  struct ForgetOpsOnRollback {
    StoreStatements& st;
    bool committed = false;
    ~ForgetOpsOnRollback() {
      if (!committed) st.forget_ops();
    }
  } forget{*st_};
  // Steps first: their KV rows and the views key on them. Spans keep their arrival order.
  for (const StepRecord& r : steps_) st_->insert(run_id_, r);
  st_->insert_spans(run_id_, spans_);
  st_->add_totals(run_id_, spans_);
  for (const ExpertCountRecord& r : experts_) st_->insert(run_id_, r);
  for (const ActivationRecord& r : activations_) st_->insert(run_id_, r);
  for (const KernelRecord& r : kernels_) {
    if (r.step != kernel_step_) {
      kernel_step_ = r.step;
      kernel_seq_ = 0;
    }
    st_->insert(run_id_, r, kernel_seq_++);
  }
  for (const StepMemoryRecord& r : memory_) st_->insert(run_id_, r);
  if (final_status && !update_run_status(st_->db, run_id_, *final_status, failure)) {
    throw Error(ErrorKind::NotFound, st_->db.path(),
                "run " + std::to_string(run_id_) + " was deleted while being written");
  }
  tx.commit();
  forget.committed = true;
  committed_ += static_cast<int64_t>(n);
}

}  // namespace archscope::prof::store
