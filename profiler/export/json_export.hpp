// The whole run as one JSON object, for scripts and notebooks:
//   {"format": "archscope.run/1", "run": {...}, "steps": [...], "spans": [...],
//    "expert_counts": [...], "activations": [...], "summary": {...}}
// Records use export/record_json.hpp. "summary" is derived (metrics/run_summary.hpp, plus the
// cumulative expert load per MoE layer under "expert_load") and is not read back: a reader
// recomputes it from the records.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>

#include "export/run_data.hpp"

namespace archscope::prof {

inline constexpr const char* kRunJsonFormat = "archscope.run/1";

struct JsonExportOptions {
  // Capacity factor for the expert-load drop estimate in the summary; 0 leaves drops out
  // (capacity and dropped are then 0), as the right factor depends on the deployment.
  double capacity_factor = 0;
  int indent = 1;  // nlohmann dump indent; -1 for a single line
};

nlohmann::json run_to_json(const RunData& data, const JsonExportOptions& options = {});
void write_run_json(std::ostream& out, const RunData& data, const JsonExportOptions& options = {});

// Reads the records back. Throws Error(Parse, <json path>) for a document that is not an
// archscope.run/1 export.
RunData run_from_json(const nlohmann::json& j);

}  // namespace archscope::prof
