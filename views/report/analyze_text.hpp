// The human-readable `analyze` report: header, totals, per-component and per-layer tables and the
// roofline estimate, rendered from an Analysis (figures are never recomputed here).
#pragma once

#include <string>

#include "plan/analysis.hpp"

namespace archscope {

std::string render_analyze_text(const Analysis& analysis);

}  // namespace archscope
