#include "run_report/report_files.hpp"

#include <fstream>

#include "common/error.hpp"
#include "run_report/html_report.hpp"
#include "run_report/markdown_report.hpp"

namespace archscope::views {

namespace {
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

void check_report_path(const std::filesystem::path& out) {
  const std::string name = out.string();
  if (!ends_with(name, ".html") && !ends_with(name, ".htm") && !ends_with(name, ".md"))
    throw Error(ErrorKind::Validation, "--out", "'" + name + "' must end in .html or .md");
}

std::vector<OutputFile> run_report_files(const std::vector<ReportRun>& runs,
                                         const std::filesystem::path& out) {
  const std::string name = out.string();
  if (ends_with(name, ".html") || ends_with(name, ".htm"))
    return {{out, render_run_report_html(runs)}};
  check_report_path(out);
  MarkdownReport report = render_run_report_markdown(runs, out.stem().string());
  std::vector<OutputFile> files{{out, std::move(report.markdown)}};
  for (MarkdownFile& f : report.figures)
    files.push_back({out.parent_path() / f.name, std::move(f.content)});
  return files;
}

void write_output_files(const std::vector<OutputFile>& files) {
  for (const OutputFile& f : files) {
    std::ofstream out(f.path, std::ios::binary);
    if (!out) throw Error(ErrorKind::Io, f.path.string(), "cannot be written");
    out << f.content;
    out.close();
    if (!out) throw Error(ErrorKind::System, f.path.string(), "write failed");
  }
}

}  // namespace archscope::views
