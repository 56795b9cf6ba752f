#include "presets/preset_catalog.hpp"

#include "common/error.hpp"
#include "config/config_json.hpp"
#include "plan/analysis.hpp"
#include "presets/named_files.hpp"
#include "presets/preset_dir.hpp"

namespace archscope {

namespace {

const NamedFileKind kPresetKind{"preset", "--preset", "archscope presets"};

// Parameter counts come from the analysis, so the catalog agrees with `archscope analyze`;
// a one-token context is the cheapest analysis and parameters do not depend on it.
Analysis::Params parameter_counts(const ModelConfig& config) {
  AnalysisOptions options;
  options.context = 1;
  return summarize(config, options).params;
}

}  // namespace

std::vector<std::string> preset_names(const std::filesystem::path& dir) {
  // json_stems only lists files directly in dir, so hardware/ never shows up here.
  return json_stems(dir);
}

std::vector<PresetInfo> list_presets(const std::filesystem::path& dir) {
  std::vector<PresetInfo> out;
  for (const std::string& name : preset_names(dir)) {
    PresetInfo info;
    info.name = name;
    info.path = dir / (name + ".json");
    const ModelConfig config = load_config_file(info.path);
    info.family = config.family;
    const Analysis::Params p = parameter_counts(config);
    info.params_total = p.total;
    info.params_active = p.active;
    out.push_back(std::move(info));
  }
  return out;
}

ModelConfig load_preset(std::string_view name, const std::filesystem::path& dir) {
  return load_config_file(find_named_json(dir, name, kPresetKind));
}

std::vector<PresetInfo> list_presets() { return list_presets(preset_dir()); }
ModelConfig load_preset(std::string_view name) { return load_preset(name, preset_dir()); }

}  // namespace archscope
