// What the profiler commands (runs, compare, export, report) share: the --db option, run ids from
// the command line, and a stored run read back whole.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "export/run_data.hpp"
#include "store/run_store.hpp"

namespace archscope::cli {

// --db PATH: the run database (default: $XDG_DATA_HOME/archscope/runs.db).
void add_db_option(CLI::App& app, std::string& db);
// Opens (creating when missing) the database --db names, else the default one.
prof::store::RunStore open_run_store(const std::string& db);

// "12" -> 12; Error(Validation, "run id") for anything else.
int64_t parse_run_id(const std::string& text);

// The run row and every record, read in one snapshot. Error(NotFound) for an unknown id.
prof::RunData load_run_data(prof::store::RunStore& store, int64_t id);

}  // namespace archscope::cli
