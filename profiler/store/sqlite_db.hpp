// A thin RAII layer over the SQLite C API: one connection, prepared statements, transactions.
// Every SQLite failure becomes an archscope::Error whose location names the database file, so a
// message read in the CLI says which file is broken, not just "database disk image is malformed".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace archscope::prof::sql {

class Db;

// A prepared statement. bind_* use 1-based parameter indexes, column_* 0-based, as in SQLite.
class Statement {
 public:
  Statement() = default;
  Statement(Db& db, std::string_view sql);
  ~Statement();
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, int64_t v);
  Statement& bind(int i, double v);
  Statement& bind(int i, std::string_view v);  // copied by SQLite (SQLITE_TRANSIENT)
  Statement& bind_blob(int i, const void* data, size_t size);
  Statement& bind_null(int i);

  // Advances the statement: true while a row is available, false when done.
  bool step();
  // Runs a statement that returns no rows (or whose rows are ignored), then resets it.
  void run();
  void reset();  // ready to run again; bindings are kept until rebound

  bool is_null(int col) const;
  int64_t column_int(int col) const;
  double column_double(int col) const;
  std::string column_text(int col) const;
  std::string_view column_blob(int col) const;  // valid until the next step/reset

 private:
  Db* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Db {
 public:
  // Opens (flags are SQLITE_OPEN_* values) and sets extended result codes. Throws Error(Io).
  Db(const std::string& path, int flags);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(std::string_view sql);  // one or more statements, no results
  int64_t query_int(std::string_view sql);  // first column of the first row; 0 when no row
  std::string query_text(std::string_view sql);

  // Throws the Error that describes SQLite result `rc` for this file; `what` says which action.
  [[noreturn]] void fail(int rc, std::string_view what) const;

  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }
  int64_t last_insert_rowid() const;
  bool in_transaction() const;  // false in autocommit mode
  int changes() const;

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE on construction (takes the write lock up front, so a busy database is waited for
// by the busy timeout instead of failing half-way), ROLLBACK on destruction unless commit() ran.
class Transaction {
 public:
  explicit Transaction(Db& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Db& db_;
  bool done_ = false;
};

}  // namespace archscope::prof::sql
