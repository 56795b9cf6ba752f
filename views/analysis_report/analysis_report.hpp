// The analytic report of one configuration as a file: self-contained HTML (inline SVG diagram and
// charts), Markdown with sibling SVG files, or the analysis JSON. `archscope analyze --out` and the
// studio's File ▸ Export write it through here, so both write the same report.
#pragma once

#include <filesystem>
#include <string>

#include "plan/analysis.hpp"
#include "run_report/markdown_report.hpp"

namespace archscope::views {

std::string render_analysis_html(const Analysis& analysis);
MarkdownReport render_analysis_markdown(const Analysis& analysis,
                                        const std::string& stem = "analysis");

// By extension: .html/.htm, .md/.markdown (figures next to it), .json (analysis_to_json). Throws
// Error(Validation, "--out") for another extension and Error(Io) when a file cannot be written.
void write_analysis_report(const std::filesystem::path& path, const Analysis& analysis);

}  // namespace archscope::views
