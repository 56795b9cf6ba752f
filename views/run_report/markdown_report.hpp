// The run report as Markdown: the same tables as the HTML report, and the charts as sibling .svg
// files referenced with image links (Markdown cannot inline SVG portably; GitHub, GitLab and
// most viewers render linked SVG images). The caller decides where files go; write_markdown_report
// writes the page and its figures side by side.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "run_report/report_input.hpp"

namespace archscope::views {

struct MarkdownFile {
  std::string name;     // relative to the Markdown file: "<stem>-run1-decode-layers.svg"
  std::string content;  // a standalone SVG document
};

struct MarkdownReport {
  std::string markdown;
  std::vector<MarkdownFile> figures;
};

// `stem` prefixes every figure's file name (it should be file-name safe; other characters are
// replaced by '-'). User text is escaped for Markdown and for the HTML that Markdown allows.
MarkdownReport render_run_report_markdown(const std::vector<ReportRun>& runs, const std::string& stem = "report");

// Writes `path` (e.g. out/report.md) and the figures next to it, using path's stem. Throws
// Error(Io) when a file cannot be written.
void write_markdown_report(const std::filesystem::path& path, const std::vector<ReportRun>& runs);

// Markdown-escaped inline text: backslash-escapes Markdown punctuation, turns & < > into entities
// and newlines into spaces, so a run name cannot open a link, a table cell or an HTML element.
std::string markdown_escape(const std::string& text);

}  // namespace archscope::views
