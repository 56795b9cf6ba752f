// `archscope report ID [ID...] --out report.html|report.md [--hardware NAME]`: stored runs as the
// HTML or Markdown run report (views/run_report), with the plan's predictions for each run's shape
// on the roofline of the named hardware profile, and the comparison model's figures. Reads the
// database only; existing output files (the report and, for Markdown, its figure files) are
// replaced only with --force.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/stored_runs.hpp"
#include "common/error.hpp"
#include "presets/hardware_catalog.hpp"
#include "run_report/report_files.hpp"
#include "session/stored_run.hpp"
#include "store/quant_table.hpp"

namespace archscope::cli {

namespace {

struct ReportOptions {
  std::vector<std::string> ids;
  std::string out;
  std::string db;
  std::string hardware;
  bool force = false;
};

int run_report(const ReportOptions& o) {
  views::check_report_path(o.out);
  std::vector<int64_t> ids;
  for (const std::string& s : o.ids) ids.push_back(parse_run_id(s));
  check_output_file(o.out, o.force, "--out");
  std::optional<HardwareProfile> hw;
  if (!o.hardware.empty()) hw = load_hardware(o.hardware);
  prof::store::RunStore store = open_run_store_read_only(o.db);
  std::vector<views::ReportRun> runs;
  for (int64_t id : ids) {
    runs.push_back(views::make_report_run(prof::session::load_run_data(store, id), hw));
    runs.back().quant = prof::store::load_quant_result(store, id);  // an `archscope quant` run
  }
  const std::vector<views::OutputFile> files = views::run_report_files(runs, o.out);
  // Every file is checked before any is written: a refusal leaves nothing half-replaced.
  for (size_t i = 1; i < files.size(); ++i) check_output_file(files[i].path, o.force, "--out");
  views::write_output_files(files);
  std::cerr << "wrote the report of " << runs.size() << " run(s) to " << o.out << "\n";
  return 0;
}

}  // namespace

Command add_report_command(CLI::App& root) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* sub = root.add_subcommand("report", "Write stored runs as an HTML or Markdown report");
  sub->add_option("ids", o->ids, "Run ids (the first is the baseline of comparisons)")->required();
  sub->add_option("--out", o->out, "report.html or report.md (figures next to it)")->required();
  sub->add_option("--hardware", o->hardware, "Hardware profile for the roofline: a name (archscope hardware lists them) or a profile file");
  add_db_option(*sub, o->db);
  add_force_flag(*sub, o->force);
  return {sub, [o] { return run_report(*o); }};
}

}  // namespace archscope::cli
