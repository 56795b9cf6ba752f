// The report's tables as plain cells, built once and rendered by both the HTML and the Markdown
// writer. Cells hold unescaped text; each writer escapes for its own format.
#pragma once

#include <string>
#include <vector>

#include "run_report/report_input.hpp"

namespace archscope::views {

struct TableData {
  std::string caption;
  std::vector<std::string> header;
  std::string align;  // 'l' or 'r' per column; missing columns: first 'l', others 'r'
  std::vector<std::vector<std::string>> rows;

  bool left(size_t column) const { return column < align.size() ? align[column] == 'l' : column == 0; }
};

// Field per row, one column per run: model, backend, device, dtypes, batch/prompt/new, status...
TableData metadata_table(const std::vector<ReportRun>& runs);
// Headline figures per run; with several runs, cells carry the change against the first run.
TableData summary_table(const std::vector<ReportRun>& runs);
// Per layer: prefill time and share, decode time per step and share.
TableData layer_table(const ReportRun& run);
// Per op kind: times and shares, and the decode spans' achieved FLOP/s and intensity.
TableData kind_table(const ReportRun& run);
// Decode time per step per op kind across runs, with change against the first run.
TableData kind_comparison_table(const std::vector<ReportRun>& runs);
// Layers whose residual stream went non-finite (empty rows when every sample was finite).
TableData numerics_table(const ReportRun& run);

// "+12.3%" / "-4.0%" change of `value` against `base`; "" when base is not positive.
std::string delta_text(double base, double value);

}  // namespace archscope::views
