// The presets browser's rows: every preset with its family, parameter counts, KV per token,
// source and a one-line description of the architecture, all from the preset's own analysis.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "config/model_config.hpp"

namespace archscope::summary {

struct PresetRow {
  std::string name;    // file stem (what --preset takes)
  std::string family;  // "" for files that failed to load
  std::filesystem::path path;
  bool user = false;     // from the user's preset folder, not the shipped ones
  bool trained = false;  // a trained checkpoint (path is its config.json), not an analytic preset
  uint64_t params_total = 0;
  uint64_t params_active = 0;
  uint64_t kv_bytes_per_token = 0;  // bf16 KV, analysis' kv.bytes_per_token
  std::string source;
  std::string description;  // "MoE 256 × top-8 + 1 shared · MLA · 61 layers · d_model 7,168"
  std::string error;        // why the file did not load (shown instead of figures)
};

// Rows for every *.json directly in `dir` (sorted by name). Unlike the CLI catalog, a broken file
// becomes a row with its error: the browser must show the other presets and say what is wrong.
std::vector<PresetRow> load_preset_rows(const std::filesystem::path& dir, bool user);

// Rows for the trained checkpoints under `dir`: every subfolder with a config.json and a
// model.safetensors (a Hugging Face checkpoint, as assets/models/stdlib-moe-6m is), named by the
// folder, its config.json imported as `import-hf` does, described by its README's title line
// ("# name: what it is") before the architecture. A config.json that does not import is a row
// with its error. No folder, no rows.
std::vector<PresetRow> load_model_rows(const std::filesystem::path& dir);

// The one-line description a model README gives in its title ("# stdlib-moe-6m: archscope's
// trained demo model" -> "archscope's trained demo model"); "" when the README has none.
std::string readme_title(const std::filesystem::path& readme, const std::string& name);

// One line on what an architecture is, from its configuration.
std::string describe_architecture(const ModelConfig& config);

}  // namespace archscope::summary
