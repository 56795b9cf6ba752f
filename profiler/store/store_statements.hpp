// The prepared INSERT statements of one connection, shared by RunStore and its RunWriters so
// that a statement is compiled once per connection, not once per batch. Private to the store.
#pragma once

#include <cstdint>
#include <string>

#include "model/run_records.hpp"
#include "store/sqlite_db.hpp"

namespace archscope::prof::store {

struct StoreStatements {
  explicit StoreStatements(sql::Db& db);

  // Callers wrap these in a sql::Transaction.
  void insert(int64_t run_id, const SpanRecord& r);
  void insert(int64_t run_id, const StepRecord& r);  // and its kv_used_by_kind rows
  void insert(int64_t run_id, const ExpertCountRecord& r);
  void insert(int64_t run_id, const ActivationRecord& r);

  sql::Db& db;
  sql::Statement span;
  sql::Statement step;
  sql::Statement step_kv;
  sql::Statement expert;
  sql::Statement activation;
};

// SQLite INTEGER is signed 64-bit; unsigned counters are stored bit-for-bit.
inline int64_t to_sql(uint64_t v) { return static_cast<int64_t>(v); }
inline uint64_t from_sql(int64_t v) { return static_cast<uint64_t>(v); }

}  // namespace archscope::prof::store
