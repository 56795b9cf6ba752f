// The analysis report's tables and figures, built once for both writers (internal).
#pragma once

#include <vector>

#include "plan/analysis.hpp"
#include "run_report/report_figures.hpp"
#include "run_report/report_tables.hpp"

namespace archscope::views::analysis_detail {

std::string subtitle(const Analysis& a);                  // options and hardware in one line
TableData summary_table(const nlohmann::json& analysis);  // the studio's summary rows
TableData component_table(const Analysis& a);
TableData layer_table(const Analysis& a);
std::vector<Figure> figures(const Analysis& a);  // block diagram, per-layer params and KV

}  // namespace archscope::views::analysis_detail
