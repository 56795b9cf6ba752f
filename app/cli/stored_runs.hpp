// What the profiler commands (run, runs, compare, export, report) share: the --db option, the run
// database opened for writing (run, runs delete) or only for reading (everything else), run ids
// from the command line, and output files that are not overwritten without --force.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "store/run_store.hpp"

namespace archscope::cli {

// --db PATH: the run database (default: $XDG_DATA_HOME/archscope/runs.db).
void add_db_option(CLI::App& app, std::string& db);
// Opens (creating when missing) the database --db names, else the default one.
prof::store::RunStore open_run_store(const std::string& db);
// Opens the database read-only: nothing is created, migrated or converted. Error(NotFound) when
// the file does not exist.
prof::store::RunStore open_run_store_read_only(const std::string& db);
// The path a read-only command reads: --db, else the default (its directories not created).
std::filesystem::path read_db_path(const std::string& db);

// "12" -> 12; Error(Validation, "run id") for anything else.
int64_t parse_run_id(const std::string& text);

// --force: replace output files that exist.
void add_force_flag(CLI::App& app, bool& force);
// Error(Validation, option) when `path` exists and !force, or names a directory.
void check_output_file(const std::filesystem::path& path, bool force, const std::string& option);

}  // namespace archscope::cli
