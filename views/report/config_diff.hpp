// Two model configurations side by side: every field (flattened JSON paths) with the differing
// ones marked, and the analytic figures of both with their deltas.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plan/analysis.hpp"

namespace archscope {

struct ConfigFieldRow {
  std::string path;  // "attention.kv_heads"
  std::string a;     // JSON text of the value, "—" when absent on that side
  std::string b;
  bool differs = false;
};

// Rows for every leaf of config_to_json(a) and (b), in the saved key order; arrays are one value.
std::vector<ConfigFieldRow> diff_config_fields(const ModelConfig& a, const ModelConfig& b);

struct ConfigDiffInput {
  std::string label_a;
  std::string label_b;
  const Analysis* a = nullptr;  // analyses carry their configs
  const Analysis* b = nullptr;
  bool all_fields = false;  // false: only the differing fields
  bool color = false;       // ANSI highlighting (a TTY)
};

std::string render_config_diff_text(const ConfigDiffInput& in);
nlohmann::json config_diff_json(const ConfigDiffInput& in);

}  // namespace archscope
