// `archscope report ID [ID...] --out report.html|report.md [--hardware NAME]`: stored runs as the
// HTML or Markdown run report (views/run_report), with the plan's predictions for each run's shape
// on the roofline of the named hardware profile, and the comparison model's figures. Reads the
// database only; existing output files (the report and, for Markdown, its figure files) are
// replaced only with --force.
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/stored_runs.hpp"
#include "common/error.hpp"
#include "presets/hardware_catalog.hpp"
#include "run_report/html_report.hpp"
#include "run_report/markdown_report.hpp"
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

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error(ErrorKind::Io, path.string(), "cannot be written");
  out << content;
  out.close();
  if (!out) throw Error(ErrorKind::System, path.string(), "write failed");
}

int run_report(const ReportOptions& o) {
  const bool html = ends_with(o.out, ".html") || ends_with(o.out, ".htm");
  const bool md = ends_with(o.out, ".md");
  if (!html && !md) throw Error(ErrorKind::Validation, "--out", "'" + o.out + "' must end in .html or .md");
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
  const std::filesystem::path out(o.out);
  if (html) {
    write_file(out, views::render_run_report_html(runs));
  } else {
    const views::MarkdownReport report =
        views::render_run_report_markdown(runs, out.stem().string());
    // Every file is checked before any is written: a refusal leaves nothing half-replaced.
    for (const views::MarkdownFile& f : report.figures)
      check_output_file(out.parent_path() / f.name, o.force, "--out");
    write_file(out, report.markdown);
    for (const views::MarkdownFile& f : report.figures)
      write_file(out.parent_path() / f.name, f.content);
  }
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
