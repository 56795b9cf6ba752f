// One or several runs as ONE self-contained HTML file: inline CSS and inline SVG, no scripts, no
// fonts or images from the network. Written as polyglot XHTML (lower-case elements, every element
// closed, attributes quoted, only the five XML entities), so browsers and XML parsers both read it.
#pragma once

#include <string>
#include <vector>

#include "run_report/report_input.hpp"

namespace archscope::views {

// Title, run metadata, summary, per-run charts and tables, and — with two or more runs —
// comparison charts and tables against the first run. All user text is escaped.
std::string render_run_report_html(const std::vector<ReportRun>& runs);

}  // namespace archscope::views
