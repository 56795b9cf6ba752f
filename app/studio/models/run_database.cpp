#include "models/run_database.hpp"

#include <fstream>

#include "common/error.hpp"
#include "compare/comparison_render.hpp"
#include "export/run_export.hpp"
#include "run_report/report_files.hpp"
#include "session/stored_run.hpp"
#include "store/quant_table.hpp"
#include "store/run_store.hpp"

namespace archscope::studio {

namespace {

void write_text(const std::filesystem::path& path, const std::string& text) {
  views::write_output_files({{path, text}});
}

}  // namespace

bool RunDatabase::exists() const {
  std::error_code ec;
  return std::filesystem::exists(path_, ec);
}

std::vector<prof::RunInfo> RunDatabase::list() const {
  return prof::store::RunStore::open_read_only(path_).list_runs();
}

views::compare::Comparison RunDatabase::compare(const std::vector<int64_t>& ids) const {
  prof::store::RunStore store = prof::store::RunStore::open_read_only(path_);
  std::vector<views::compare::RunFigures> runs;
  for (int64_t id : ids) {
    // As `archscope compare`: span totals from the store, no span rows loaded.
    const prof::session::StoredSummary s = prof::session::load_run_summary(store, id);
    runs.push_back(views::compare::run_figures(s.run, s.summary, s.steps, s.expert_counts));
  }
  return views::compare::compare_runs(runs);
}

std::optional<quant::EvalResult> RunDatabase::quant_result(int64_t id) const {
  prof::store::RunStore store = prof::store::RunStore::open_read_only(path_);
  return prof::store::load_quant_result(store, id);
}

void RunDatabase::rename(int64_t id, const std::string& name) const {
  prof::store::RunStore::open(path_).rename_run(id, name);
}

void RunDatabase::remove(const std::vector<int64_t>& ids) const {
  prof::store::RunStore store = prof::store::RunStore::open(path_);
  for (int64_t id : ids) store.delete_run(id);
}

std::vector<std::filesystem::path> RunDatabase::export_to(const std::vector<int64_t>& ids,
                                                          RunExport format,
                                                          const std::filesystem::path& out) const {
  const bool comparison =
      format == RunExport::ComparisonJson || format == RunExport::ComparisonText;
  if (ids.empty() || (comparison && ids.size() < 2))
    throw Error(ErrorKind::Validation, "export",
                comparison ? "a comparison needs two or more runs" : "no run chosen");
  if (!comparison && format != RunExport::Report && ids.size() != 1)
    throw Error(ErrorKind::Validation, "export", "CSV, JSON and trace exports take one run");
  if (format == RunExport::Report) views::check_report_path(out);
  if (comparison) {
    const views::compare::Comparison c = compare(ids);
    write_text(out, format == RunExport::ComparisonJson
                        ? views::compare::render_comparison_json(c)
                        : views::compare::render_comparison_text(c));
    return {out};
  }
  prof::store::RunStore store = prof::store::RunStore::open_read_only(path_);
  if (format == RunExport::Report) {
    // As `archscope report` without --hardware.
    std::vector<views::ReportRun> runs;
    for (int64_t id : ids)
      runs.push_back(views::make_report_run(prof::session::load_run_data(store, id), std::nullopt));
    const std::vector<views::OutputFile> files = views::run_report_files(runs, out);
    views::write_output_files(files);
    std::vector<std::filesystem::path> written;
    for (const views::OutputFile& f : files) written.push_back(f.path);
    return written;
  }
  const prof::RunData d = prof::session::load_run_data(store, ids.front());
  const prof::RunExportFormat f = format == RunExport::Csv    ? prof::RunExportFormat::Csv
                                  : format == RunExport::Json ? prof::RunExportFormat::Json
                                                              : prof::RunExportFormat::ChromeTrace;
  std::ofstream file(out, std::ios::binary);
  if (!file) throw Error(ErrorKind::Io, out.string(), "cannot be written");
  prof::write_run_export(file, d, f);
  file.close();
  if (!file) throw Error(ErrorKind::System, out.string(), "write failed");
  return {out};
}

std::string settings_difference(const views::compare::Comparison& c) {
  if (c.runs.size() < 2) return "";
  std::string out;
  const auto field = [&](const char* name, auto get) {
    std::string values;
    bool differs = false;
    for (const views::compare::RunColumn& r : c.runs) {
      if (!values.empty()) values += " vs ";
      values += std::to_string(get(r));
      differs = differs || get(r) != get(c.runs.front());
    }
    if (!differs) return;
    out += (out.empty() ? "Settings differ: " : "; ") + std::string(name) + " " + values;
  };
  field("batch", [](const views::compare::RunColumn& r) { return r.batch; });
  field("prompt", [](const views::compare::RunColumn& r) { return r.prompt; });
  field("new tokens", [](const views::compare::RunColumn& r) { return r.new_tokens; });
  field("passes", [](const views::compare::RunColumn& r) { return r.passes; });
  return out;
}

}  // namespace archscope::studio
