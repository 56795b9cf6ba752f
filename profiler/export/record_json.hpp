// JSON forms of the run records, shared by the JSON exporter and anything else that needs a record
// as JSON (the desktop app's clipboard, tests). Field names are the C++ member names; enums are
// their to_string names. Readers throw Error(Parse, <json path>) on a missing or mistyped field,
// so a hand-edited export fails with a location.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "metrics/expert_load.hpp"
#include "metrics/run_summary.hpp"
#include "model/run_records.hpp"

namespace archscope::prof {

nlohmann::json to_json(const RunInfo& r);
// {"origin": "checkpoint", "checkpoint": DIR} | {"origin": "random", "seed": N, "heavy_tailed":
// false} (true: with "outlier_fraction" and "outlier_scale") | {"origin": "unknown"}.
nlohmann::json to_json(const WeightsSource& w);
nlohmann::json to_json(const StepRecord& r);
// Includes the derived "gflop_per_s" and "gb_per_s" (metrics/span_rate.hpp); readers ignore them.
nlohmann::json to_json(const SpanRecord& r);
nlohmann::json to_json(const ExpertCountRecord& r);
// A non-finite rms is written as null (JSON has no NaN) and read back as NaN.
nlohmann::json to_json(const ActivationRecord& r);
// Layer totals as [{"layer": l, "ns": t}, ...] (JSON keys are strings; layers stay numbers).
nlohmann::json to_json(const RunSummary& s);
nlohmann::json to_json(const CumulativeExpertLoad& l);

// `where` prefixes error locations ("spans[3]").
RunInfo run_info_from_json(const nlohmann::json& j, const std::string& where);
WeightsSource weights_source_from_json(const nlohmann::json& j, const std::string& where);
StepRecord step_from_json(const nlohmann::json& j, const std::string& where);
SpanRecord span_from_json(const nlohmann::json& j, const std::string& where);
ExpertCountRecord expert_count_from_json(const nlohmann::json& j, const std::string& where);
ActivationRecord activation_from_json(const nlohmann::json& j, const std::string& where);

bool parse_phase(const std::string& s, Phase& out);  // "prefill" / "decode"

}  // namespace archscope::prof
