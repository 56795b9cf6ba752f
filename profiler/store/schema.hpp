// The run database schema as an ordered list of forward migrations. PRAGMA user_version holds the
// number of migrations applied; PRAGMA application_id marks the file as an archscope run store so a
// foreign SQLite file is recognised and left alone.
//
// Rule for changing the schema: never edit a published migration; append a new one (ALTER TABLE,
// CREATE TABLE ... AS SELECT, data fix-ups), and add a test that builds the previous schema by hand
// with data, opens it, and checks the data survived.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace archscope::prof::sql {
class Db;
}

namespace archscope::prof::store {

// "ARSC" as a big-endian 32-bit integer; stored at byte offset 68 of the database header.
inline constexpr int32_t kApplicationId = 0x41525343;

// The schema version that added run_layer_totals and run_kind_totals (stored span totals); files
// below it are read by summing their span rows.
inline constexpr int kRunTotalsVersion = 7;

struct Migration {
  int to_version;  // user_version after this step; steps are numbered 1, 2, 3, ... without gaps
  std::string_view description;
  std::string_view sql;  // one or more statements
};

// The version whose migration added the runs.weights_* columns (the run's weight source): files
// below it read every run's source as unknown.
inline constexpr int kWeightsSourceSchemaVersion = 6;

// The first schema with runs.weights_quant and the quant_* tables (archscope quant results).
inline constexpr int kWeightsQuantVersion = 4;

// The first schema with runs.layer_first / layer_last (layer slices, `--layers A:B`).
inline constexpr int kSliceVersion = 5;

// The migrations of this build, oldest first.
std::span<const Migration> migrations();
int latest_schema_version();

// Applies every step of `steps` whose to_version is above the database's user_version, and stamps
// application_id and user_version, all in one transaction: a failing step leaves the file exactly
// as it was. The caller has already checked that the database is ours (or empty) and not newer.
void migrate(sql::Db& db, std::span<const Migration> steps);

}  // namespace archscope::prof::store
