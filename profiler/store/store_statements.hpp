// The prepared INSERT statements of one connection, shared by RunStore and its RunWriters so
// that a statement is compiled once per connection, not once per batch. Private to the store.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>

#include "model/kernel_records.hpp"
#include "model/run_records.hpp"
#include "store/sqlite_db.hpp"

namespace archscope::prof::store {

struct StoreStatements {
  explicit StoreStatements(sql::Db& db);

  // Callers wrap these in a sql::Transaction.
  // Groups consecutive spans of the same (step, phase, layer) into span_blocks rows.
  void insert_spans(int64_t run_id, std::span<const SpanRecord> spans);
  // Adds the spans' time, work and count to the run's per-(phase, layer) and per-(phase, kind)
  // totals, in the caller's transaction (the one that inserts the same spans).
  void add_totals(int64_t run_id, std::span<const SpanRecord> spans);
  void insert(int64_t run_id, const StepRecord& r);  // and its kv_used_by_kind rows
  void insert(int64_t run_id, const ExpertCountRecord& r);
  void insert(int64_t run_id, const ActivationRecord& r);
  // seq: the record's position in its step (kernels' primary key with run and step).
  void insert(int64_t run_id, const KernelRecord& r, int64_t seq);
  void insert(int64_t run_id, const StepMemoryRecord& r);

  // After a rolled-back transaction: span_ops ids cached during it may not exist.
  void forget_ops() { op_ids.clear(); }

  sql::Db& db;
  sql::Statement span_block;
  sql::Statement op_insert;
  sql::Statement op_select;
  sql::Statement step;
  sql::Statement step_kv;
  sql::Statement expert;
  sql::Statement activation;
  sql::Statement kernel;
  sql::Statement step_memory;
  sql::Statement layer_total;
  sql::Statement kind_total;

 private:
  int64_t op_id(const std::string& op, const std::string& kind);
  std::map<std::pair<std::string, std::string>, int64_t> op_ids;
  std::string json_;  // reused buffer for a block's span array
};

// SQLite INTEGER is signed 64-bit; unsigned counters are stored bit-for-bit.
inline int64_t to_sql(uint64_t v) { return static_cast<int64_t>(v); }
inline uint64_t from_sql(int64_t v) { return static_cast<uint64_t>(v); }

}  // namespace archscope::prof::store
