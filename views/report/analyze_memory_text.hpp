// The memory part of the `analyze` text report: what the model needs (weights, KV cache at the
// context, one step's activations) against the hardware profile's memory, and the KV growth per
// token before and after the sliding windows fill. Rendered from Analysis::memory / ::kv.
#pragma once

#include <ostream>

#include "plan/analysis.hpp"

namespace archscope {

// "  Memory: ... fits on h100-sxm (80.00 GiB)" / "does not fit: needs 17 × h100-sxm", with the
// breakdown; a blank line after.
void render_memory_text(std::ostream& out, const Analysis& analysis);

// One line explaining kv_cache.bytes_per_token vs ..._steady when they differ (nothing otherwise).
void render_kv_growth_note(std::ostream& out, const Analysis& analysis);

// The analysis' warnings, one "  warning: ..." line each.
void render_warnings(std::ostream& out, const Analysis& analysis);

}  // namespace archscope
