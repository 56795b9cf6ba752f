// The files `archscope report --out PATH` writes, as data: PATH itself (the HTML report for .html
// or .htm, the Markdown page for .md) and, for Markdown, its SVG figures next to it. The CLI and
// the desktop app both write these, so one set of runs gives the same bytes from either.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "run_report/report_input.hpp"

namespace archscope::views {

struct OutputFile {
  std::filesystem::path path;
  std::string content;
};

// Error(Validation, "--out") unless `out` ends in .html, .htm (HTML) or .md (Markdown).
void check_report_path(const std::filesystem::path& out);

// The report first, then its figures. Error(Validation, "--out") when `out` ends in neither
// .html, .htm nor .md.
std::vector<OutputFile> run_report_files(const std::vector<ReportRun>& runs,
                                         const std::filesystem::path& out);

// Writes each file whole, in order. Error(Io) when one cannot be opened, Error(System) when
// writing fails.
void write_output_files(const std::vector<OutputFile>& files);

}  // namespace archscope::views
