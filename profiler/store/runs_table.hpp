// Reads and writes of the runs table, as free functions over a connection. Private to the store.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/run_records.hpp"
#include "store/sqlite_db.hpp"
#include "store/writer_identity.hpp"

namespace archscope::prof::store {

std::string utc_now_iso();  // "2026-11-25T13:05:00Z"

int64_t insert_run(sql::Db& db, const RunInfo& info, const WriterIdentity& writer);
// Returns false when no run has this id. Does not open a transaction of its own.
bool update_run_status(sql::Db& db, int64_t id, RunStatus status, const std::string& failure);
bool run_exists(sql::Db& db, int64_t id);
// only_id 0: all, newest first. `schema_version` picks the columns that file has (a read-only
// store reads older files as they are). With `self` set, `running` runs whose writer is certainly
// dead are returned as `interrupted` (what the next writable open will mark them), unchanged in
// the file.
std::vector<RunInfo> select_runs(sql::Db& db, int64_t schema_version, int64_t only_id = 0,
                                 const WriterIdentity* self = nullptr);
bool delete_run_row(sql::Db& db, int64_t id);
bool rename_run_row(sql::Db& db, int64_t id, const std::string& name);

// Marks `running` runs whose writer is certainly dead as `interrupted`; returns their ids.
std::vector<int64_t> mark_dead_runs_interrupted(sql::Db& db, const WriterIdentity& self);

}  // namespace archscope::prof::store
