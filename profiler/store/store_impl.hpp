// RunStore's private state, shared by the .cpp files that implement its parts. The Impl lives on
// the heap so the StoreStatements that RunWriters point to keep their address when a RunStore moves.
#pragma once

#include <filesystem>
#include <vector>

#include "store/run_store.hpp"
#include "store/sqlite_db.hpp"
#include "store/store_statements.hpp"
#include "store/writer_identity.hpp"

namespace archscope::prof::store {

struct RunStore::Impl {
  Impl(const std::filesystem::path& p, int flags) : path(p), db(p.string(), flags) {}
  ~Impl();

  std::filesystem::path path;
  sql::Db db;
  bool read_only = false;
  int64_t schema_version = 0;  // of the file (a read-only store may hold an older one)
  bool no_schema = false;      // an empty database, opened read-only: no tables, no runs
  WriterIdentity self;
  std::vector<int64_t> interrupted_on_open;
  std::unique_ptr<StoreStatements> statements;  // prepared once the schema exists
};

// A read transaction for multi-statement loads, so that e.g. steps and their KV rows come from the
// same snapshot; a no-op when the caller already holds one (RunStore::ReadSnapshot).
class ReadScope {
 public:
  explicit ReadScope(sql::Db& db) : db_(db), own_(!db.in_transaction()) {
    if (own_) db_.exec("BEGIN");
  }
  ~ReadScope() {
    if (own_) {
      try {
        db_.exec("COMMIT");
      } catch (...) {  // ending a read transaction only fails on a broken connection
      }
    }
  }
  ReadScope(const ReadScope&) = delete;
  ReadScope& operator=(const ReadScope&) = delete;

 private:
  sql::Db& db_;
  bool own_;
};

}  // namespace archscope::prof::store
