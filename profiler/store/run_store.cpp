// RunStore: opening (validation, migration, crash sweep) and the runs table. Record loading and
// aggregates live in record_load.cpp and run_aggregates.cpp.
#include "store/run_store.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "common/error.hpp"
#include "store/db_file.hpp"
#include "store/runs_table.hpp"
#include "store/schema.hpp"
#include "store/store_impl.hpp"

namespace archscope::prof::store {

namespace {

std::string hex_id(int64_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(v));
  return buf;
}

// Reads only: decides whether the file is ours (or empty) and not from the future. Throws before
// anything has been written, so a foreign or newer file stays byte-for-byte as it was.
int64_t validate(sql::Db& db) {
  const int64_t app_id = db.query_int("PRAGMA application_id");
  const int64_t version = db.query_int("PRAGMA user_version");
  const int64_t objects = db.query_int("SELECT count(*) FROM sqlite_master");
  if (app_id == 0 && version == 0 && objects == 0) return 0;  // new or empty database
  if (app_id != kApplicationId) {
    throw Error(ErrorKind::Validation, db.path(),
                "not an archscope run database (SQLite application_id " + hex_id(app_id) +
                    ", expected " + hex_id(kApplicationId) + "; " + std::to_string(objects) +
                    " schema objects); refusing to modify it");
  }
  if (version > latest_schema_version()) {
    throw Error(ErrorKind::Unsupported, db.path(),
                "run database schema version " + std::to_string(version) +
                    " is newer than this archscope supports (" +
                    std::to_string(latest_schema_version()) + "); use a newer archscope");
  }
  return version;
}

// PRAGMA journal_mode = WAL, waiting out a racing open. Switching a file at rest (rollback journal,
// as the last connection leaves it) needs the exclusive lock; when two connections opening at once
// both hold SHARED from reading the schema and ask for it together, SQLite answers one of them
// SQLITE_BUSY at once, without calling its busy handler (deadlock avoidance). That one retries
// after a short sleep, for as long as the busy timeout would have waited; by then the other has
// switched the file and this switch is a no-op.
std::string switch_to_wal(sql::Db& db) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (true) {
    std::string mode;
    const int rc = sqlite3_exec(
        db.handle(), "PRAGMA journal_mode = WAL",
        [](void* out, int n, char** values, char**) {
          if (n > 0 && values[0]) *static_cast<std::string*>(out) = values[0];
          return 0;
        },
        &mode, nullptr);
    if (rc == SQLITE_OK) return mode;
    if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() > give_up)
      db.fail(rc, "switching to WAL mode failed");
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace

RunStore::Impl::~Impl() {
  // Back to a rollback journal when this is the last connection (SQLite refuses, harmlessly, while
  // others have the file open): the file at rest is then complete without its -wal, and a
  // read-only open needs no -shm. Errors are ignored; the next writer switches to WAL again.
  // A short wait for a reader in the middle of a read (a follower holds its connection only that
  // long); a connection kept open elsewhere keeps the file in WAL mode, which is fine.
  if (read_only || !statements) return;
  statements.reset();
  sqlite3_busy_timeout(db.handle(), 200);
  sqlite3_exec(db.handle(), "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr);
}

RunStore RunStore::open_read_only(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw Error(ErrorKind::NotFound, path.string(), "does not exist (no run database there)");
  }
  check_database_file(path);
  auto impl = std::make_unique<Impl>(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  impl->read_only = true;
  sql::Db& db = impl->db;
  sqlite3_busy_timeout(db.handle(), 10000);
  const int64_t version = validate(db);
  impl->schema_version = version;
  impl->no_schema = version == 0;
  impl->self = current_writer();
  return RunStore(std::move(impl));
}

RunStore RunStore::open(const std::filesystem::path& path) {
  const bool exists = check_database_file(path);
  // Without SQLITE_OPEN_CREATE for an existing file: if it vanishes meanwhile we fail instead of
  // silently creating an empty store in its place.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (exists ? 0 : SQLITE_OPEN_CREATE);
  auto impl = std::make_unique<Impl>(path, flags);
  sql::Db& db = impl->db;
  // Wait for another process's write lock instead of failing at once (connection setting, no write).
  sqlite3_busy_timeout(db.handle(), 10000);
  const int64_t version = validate(db);

  // From here on the file is ours and may be written.
  db.exec("PRAGMA foreign_keys = ON");
  // WAL: readers see a committed snapshot while a writer appends, and a killed writer loses only
  // its uncommitted transaction. synchronous=NORMAL in WAL mode still survives a process crash
  // (the WAL is in the OS cache at commit); only an OS crash or power loss may drop the last
  // commits, which is the right trade for profiling data written at 1M rows/s.
  if (switch_to_wal(db) != "wal") {
    throw Error(ErrorKind::Io, db.path(), "cannot switch the database to WAL mode");
  }
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA cache_size = -65536");  // 64 MiB: keeps the span indexes' hot pages in memory
  if (version < latest_schema_version()) migrate(db, migrations());
  impl->schema_version = latest_schema_version();

  impl->statements = std::make_unique<StoreStatements>(db);
  impl->self = current_writer();
  impl->interrupted_on_open = mark_dead_runs_interrupted(db, impl->self);
  return RunStore(std::move(impl));
}

RunStore::RunStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RunStore::RunStore(RunStore&&) noexcept = default;
RunStore& RunStore::operator=(RunStore&&) noexcept = default;
RunStore::~RunStore() = default;

const std::filesystem::path& RunStore::path() const { return impl_->path; }
const std::vector<int64_t>& RunStore::interrupted_on_open() const { return impl_->interrupted_on_open; }
bool RunStore::read_only() const {
  return impl_->read_only;
}
int64_t RunStore::schema_version() const {
  return impl_->schema_version;
}

void RunStore::require_writable() const {
  if (impl_->read_only)
    throw Error(ErrorKind::Validation, impl_->path.string(), "is open read-only");
}

void RunStore::require_run(int64_t id) {
  if (impl_->no_schema || !run_exists(impl_->db, id)) {
    throw Error(ErrorKind::NotFound, impl_->path.string(), "no run with id " + std::to_string(id));
  }
}

int64_t RunStore::create_run(const RunInfo& info) {
  require_writable();
  sql::Transaction tx(impl_->db);
  int64_t id = insert_run(impl_->db, info, impl_->self);
  tx.commit();
  return id;
}

void RunStore::finish_run(int64_t id, RunStatus status, const std::string& failure) {
  require_writable();
  if (status == RunStatus::Running) {
    throw Error(ErrorKind::Validation, impl_->path.string(), "a run cannot be finished as 'running'");
  }
  sql::Transaction tx(impl_->db);
  if (!update_run_status(impl_->db, id, status, failure)) require_run(id);
  tx.commit();
}

std::vector<RunInfo> RunStore::list_runs() {
  if (impl_->no_schema) return {};
  return select_runs(impl_->db, impl_->schema_version, 0,
                     impl_->read_only ? &impl_->self : nullptr);
}

RunInfo RunStore::get_run(int64_t id) {
  if (id <= 0 || impl_->no_schema) require_run(id);
  std::vector<RunInfo> runs =
      select_runs(impl_->db, impl_->schema_version, id, impl_->read_only ? &impl_->self : nullptr);
  if (runs.empty()) require_run(id);
  return runs.front();
}

void RunStore::delete_run(int64_t id) {
  require_writable();
  sql::Transaction tx(impl_->db);
  // Foreign keys with ON DELETE CASCADE remove the run's steps, KV rows, spans, experts, activations.
  if (!delete_run_row(impl_->db, id)) require_run(id);
  tx.commit();
}

void RunStore::rename_run(int64_t id, const std::string& name) {
  require_writable();
  sql::Transaction tx(impl_->db);
  if (!rename_run_row(impl_->db, id, name)) require_run(id);
  tx.commit();
}

RunWriter RunStore::writer(int64_t run_id, const WriterOptions& options) {
  require_writable();
  require_run(run_id);
  return RunWriter(*impl_->statements, run_id, options);
}

RunStore::ReadSnapshot::ReadSnapshot(RunStore& store) : store_(store) {
  sql::Db& db = store_.impl_->db;
  if (db.in_transaction()) return;
  own_ = true;
  db.exec("BEGIN");
  // A deferred transaction takes its snapshot at the first read, so read now.
  db.query_int("SELECT count(*) FROM sqlite_master");
}

RunStore::ReadSnapshot::~ReadSnapshot() {
  if (own_) sqlite3_exec(store_.impl_->db.handle(), "COMMIT", nullptr, nullptr, nullptr);
}

}  // namespace archscope::prof::store
