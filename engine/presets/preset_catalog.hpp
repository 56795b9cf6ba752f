// The preset catalog: model presets are presets/<name>.json (name = file stem), hardware profiles
// presets/hardware/<name>.json. Lookups by name fail with Error(NotFound, "--preset" or
// "--hardware") and a did-you-mean hint, because the name comes from the command line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/model_config.hpp"

namespace archscope {

struct PresetInfo {
  std::string name;    // file stem, what --preset takes
  std::string family;  // ModelConfig::family
  std::filesystem::path path;
  uint64_t params_total = 0;   // every parameter (analysis: params.total)
  uint64_t params_active = 0;  // parameters one token uses (analysis: params.active)
};

// Names of the model presets in `dir` (every *.json directly in it, hardware/ excluded), sorted.
std::vector<std::string> preset_names(const std::filesystem::path& dir);

// Loads and validates every preset in `dir`, sorted by name. A broken file throws its load error
// prefixed with the file name: a catalog that silently skips files hides mistakes.
std::vector<PresetInfo> list_presets(const std::filesystem::path& dir);

// Loads presets/<name>.json from `dir`. Unknown name: Error(NotFound, "--preset", "unknown preset
// 'x'; did you mean 'y'? (archscope presets lists them)").
ModelConfig load_preset(std::string_view name, const std::filesystem::path& dir);

// The same against preset_dir().
std::vector<PresetInfo> list_presets();
ModelConfig load_preset(std::string_view name);

}  // namespace archscope
