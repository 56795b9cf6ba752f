// Shared by the explain figure builders (internal to views/explain): values with their text, and
// analyses of variants of a configuration.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "explain/explain_template.hpp"
#include "plan/analysis.hpp"

namespace archscope::explain::detail {

// "128 KiB", "70.3 KiB", "1.2 GiB": binary units, one decimal, ".0" dropped.
std::string bytes_text(double bytes);
Value bytes(double v);
Value count(double v);                     // "1,234"
Value params(double v);                    // "8.03B"
Value ratio(double v);                     // "4×", "7.1×"
Value percent(double part, double whole);  // "12.5%"
Value seconds(double v);                   // "12.345 ms"
Value flops(double v);                     // "1.23 TFLOP"
Value number(double v, int decimals);
Value text(const std::string& s);
Value flag(bool b);

// The analysis of `base`'s configuration edited by `edit` (and options by `edit_options`), or
// nothing when the edited configuration breaks a rule (the text then leaves that part out).
std::optional<Analysis> variant(const Analysis& base, const std::function<void(ModelConfig&)>& edit,
                                const std::function<void(AnalysisOptions&)>& edit_options = {});

// Figures common to every topic: model, layers, context, batch, dtypes, hardware.
void add_common(Variables& v, const Analysis& a);

// Sums over a plan.
uint64_t component_params(const Analysis& a, Component c);
int64_t count_layers(const Analysis& a, const std::function<bool(const LayerSpec&)>& pred);

}  // namespace archscope::explain::detail
