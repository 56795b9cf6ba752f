#include "cli/model_source.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "config/config_json.hpp"
#include "hf/hf_import.hpp"
#include "presets/preset_catalog.hpp"

namespace archscope::cli {

std::string ModelSource::describe() const {
  if (!preset.empty()) return "--preset " + preset;
  if (!config.empty()) return "--config " + config;
  if (!hf_config.empty()) return "--hf-config " + hf_config;
  if (!model_dir.empty()) return "--model " + model_dir;
  return "(no model)";
}

void add_model_source(CLI::App& app, ModelSource& source, bool with_model_dir) {
  auto* preset = app.add_option("--preset", source.preset, "Preset name (archscope presets lists them)");
  auto* config = app.add_option("--config", source.config, "archscope model file (archscope.model/1 JSON)");
  auto* hf = app.add_option("--hf-config", source.hf_config, "Hugging Face config.json");
  preset->excludes(config)->excludes(hf);
  config->excludes(hf);
  if (with_model_dir) {
    auto* model = app.add_option("--model", source.model_dir,
                                 "Hugging Face model directory (config.json + safetensors)");
    model->excludes(preset)->excludes(config)->excludes(hf);
  }
}

ModelConfig load_model_config(const ModelSource& source) {
  if (!source.preset.empty()) return load_preset(source.preset);
  if (!source.config.empty()) return load_config_file(source.config);
  if (!source.hf_config.empty()) return import_hf_config_file(source.hf_config);
  if (!source.model_dir.empty()) {
    return import_hf_config_file(std::filesystem::path(source.model_dir) / "config.json");
  }
  throw Error(ErrorKind::Validation, "model",
              "name one of --preset NAME, --config FILE or --hf-config FILE");
}

ModelConfig load_model_argument(const std::string& argument, const std::string& label) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(argument, ec)) {
    try {
      return load_preset(argument);
    } catch (const Error& e) {
      // The catalog locates its errors at --preset; here the name came from `label`.
      if (e.where() != "--preset") throw;
      throw Error(e.kind(), label, e.message() + "; nor is it a file");
    }
  }
  std::ifstream in(argument, std::ios::binary);
  if (!in) throw Error(ErrorKind::Io, argument, "cannot open");
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (!j.is_discarded() && j.is_object() && !j.contains("format") && j.contains("model_type")) {
    ModelConfig config = import_hf_config(j, argument);
    name_imported_model(config, j, argument);
    return config;
  }
  return config_from_text(text.str(), argument);
}

}  // namespace archscope::cli
