// The charts of a report, built once and shared by the HTML writer (inlined) and the Markdown
// writer (sibling .svg files), so both formats show the same figures.
#pragma once

#include <string>
#include <vector>

#include "run_report/report_input.hpp"

namespace archscope::views {

struct Figure {
  std::string id;       // file-name safe: "decode-layers", "roofline-prefill"
  std::string caption;  // plain text
  std::string svg;      // the <svg> element
};

// Per-layer bars (prefill, decode), op-kind breakdown, KV memory, expert heatmap and rooflines,
// each only when the run has the data for it.
std::vector<Figure> run_figures(const ReportRun& run);
// Bars across runs: prefill tokens/s and decode ms/token (for runs that have them).
std::vector<Figure> comparison_figures(const std::vector<ReportRun>& runs);

}  // namespace archscope::views
