#include "cli/stored_runs.hpp"

#include <charconv>

#include "common/error.hpp"
#include "store/db_path.hpp"

namespace archscope::cli {

void add_db_option(CLI::App& app, std::string& db) {
  app.add_option("--db", db, "Run database (default: $XDG_DATA_HOME/archscope/runs.db)");
}

prof::store::RunStore open_run_store(const std::string& db) {
  return prof::store::RunStore::open(prof::store::resolve_db_path(db));
}

std::filesystem::path read_db_path(const std::string& db) {
  return db.empty() ? prof::store::default_db_path() : std::filesystem::path(db);
}

prof::store::RunStore open_run_store_read_only(const std::string& db) {
  return prof::store::RunStore::open_read_only(read_db_path(db));
}

int64_t parse_run_id(const std::string& text) {
  int64_t id = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, id);
  if (text.empty() || ec != std::errc() || p != end || id < 1)
    throw Error(ErrorKind::Validation, "run id", "'" + text + "' is not a run id (a positive number)");
  return id;
}

void add_force_flag(CLI::App& app, bool& force) {
  app.add_flag("--force", force, "Overwrite output files that already exist");
}

void check_output_file(const std::filesystem::path& path, bool force, const std::string& option) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (std::filesystem::is_directory(st))
    throw Error(ErrorKind::Validation, option, "'" + path.string() + "' is a directory");
  if (std::filesystem::exists(st) && !force)
    throw Error(ErrorKind::Validation, option,
                "'" + path.string() + "' exists; pass --force to overwrite it");
}

}  // namespace archscope::cli
