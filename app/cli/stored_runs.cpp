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

int64_t parse_run_id(const std::string& text) {
  int64_t id = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, id);
  if (text.empty() || ec != std::errc() || p != end || id < 1)
    throw Error(ErrorKind::Validation, "run id", "'" + text + "' is not a run id (a positive number)");
  return id;
}

prof::RunData load_run_data(prof::store::RunStore& store, int64_t id) {
  prof::RunData d;
  d.run = store.get_run(id);  // NotFound before the snapshot, so the message names the id
  prof::store::RunStore::ReadSnapshot snapshot(store);
  d.run = store.get_run(id);
  d.steps = store.load_steps(id);
  d.spans = store.load_spans(id);
  d.expert_counts = store.load_expert_counts(id);
  d.activations = store.load_activations(id);
  return d;
}

}  // namespace archscope::cli
