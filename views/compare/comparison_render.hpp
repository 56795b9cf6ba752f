// The comparison model (compare/comparison.hpp) as the `compare` command prints it: an aligned
// text table (human units, the change against the baseline beside each value, which way is
// better in its own column, "n/a" and "-" for figures that do not apply or are missing) and JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "compare/comparison.hpp"

namespace archscope::views::compare {

// A value in the row's unit: "1234.5 tokens/s", "12.345 ms", "1.50 MiB (1572864 B)", "0.123".
std::string format_value(Unit unit, double v);
// "+12.3%", "-4.0%", or the absolute change when the baseline is 0 ("+5 B"); "" without a delta.
std::string format_delta(Unit unit, const std::optional<Delta>& d);
// "n/a", "-" or the formatted value.
std::string format_cell(Unit unit, const Cell& c);

std::string render_comparison_text(const Comparison& c);

// {"baseline": id, "runs": [{id, name, model, status, batch, prompt_tokens, new_tokens, passes,
// warmup, checks}], "figures": [{key, label, unit, better, values: [number|null],
// state: ["value"|"n/a"|"missing"], delta: [{abs, pct|null}|null]}], "layers": [...],
// "kinds": [...]} with values in the row's unit (ms, tokens/s, bytes, ratio).
nlohmann::json comparison_json(const Comparison& c);
// What `compare --json` prints: comparison_json indented by 2, with a final newline.
std::string render_comparison_json(const Comparison& c);

}  // namespace archscope::views::compare
