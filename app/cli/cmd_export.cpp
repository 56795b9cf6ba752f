// `archscope export ID --format csv|json|chrome-trace --out FILE`: one stored run through the
// profiler's exporters (spans as CSV, the whole run as JSON, a Perfetto / chrome://tracing trace).
// Reads the database only; an existing --out file is replaced only with --force.
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "cli/stored_runs.hpp"
#include "common/error.hpp"
#include "export/run_export.hpp"
#include "session/stored_run.hpp"

namespace archscope::cli {

namespace {

struct ExportOptions {
  std::string id;
  std::string format;
  std::string out;
  std::string db;
  bool force = false;
};

int run_export(const ExportOptions& o) {
  const std::optional<prof::RunExportFormat> format = prof::parse_run_export_format(o.format);
  if (!format)
    throw Error(ErrorKind::Validation, "--format", "'" + o.format + "' is not csv, json or chrome-trace");
  const int64_t id = parse_run_id(o.id);
  check_output_file(o.out, o.force, "--out");
  prof::store::RunStore store = open_run_store_read_only(o.db);
  const prof::RunData d = prof::session::load_run_data(store, id);
  std::ofstream out(o.out, std::ios::binary);
  if (!out) throw Error(ErrorKind::Io, o.out, "cannot be written");
  prof::write_run_export(out, d, *format);
  out.close();
  if (!out) throw Error(ErrorKind::System, o.out, "write failed");
  std::cerr << "wrote run " << id << " as " << o.format << " to " << o.out << "\n";
  return 0;
}

}  // namespace

Command add_export_command(CLI::App& root) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* sub = root.add_subcommand("export", "Write a stored run as CSV, JSON or a Chrome trace");
  sub->add_option("id", o->id, "Run id")->required();
  sub->add_option("--format", o->format, "csv (spans), json (the whole run) or chrome-trace")->required();
  sub->add_option("--out", o->out, "Output file")->required();
  add_db_option(*sub, o->db);
  add_force_flag(*sub, o->force);
  return {sub, [o] { return run_export(*o); }};
}

}  // namespace archscope::cli
