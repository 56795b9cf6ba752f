// Helpers shared by the preset tests: the source presets directory and its model presets grouped
// into minis (<family>-mini), full-size presets, and the benchmark model.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "config/config_json.hpp"
#include "presets/preset_catalog.hpp"

namespace archscope::test {

inline std::filesystem::path presets_dir() { return ARCHSCOPE_PRESETS; }

inline bool is_mini(const std::string& name) {
  return name.size() > 5 && name.compare(name.size() - 5, 5, "-mini") == 0;
}

struct NamedConfig {
  std::string name;
  ModelConfig config;
};

// Every model preset except the minis and bench-1b: the ones that describe released models.
inline std::vector<NamedConfig> full_size_presets() {
  std::vector<NamedConfig> out;
  for (const std::string& name : preset_names(presets_dir())) {
    if (is_mini(name) || name == "bench-1b") continue;
    out.push_back({name, load_preset(name, presets_dir())});
  }
  return out;
}

inline std::vector<NamedConfig> mini_presets() {
  std::vector<NamedConfig> out;
  for (const std::string& name : preset_names(presets_dir())) {
    if (is_mini(name)) out.push_back({name, load_preset(name, presets_dir())});
  }
  return out;
}

}  // namespace archscope::test
