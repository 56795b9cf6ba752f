// Import a Hugging Face config.json into a ModelConfig. Accepts transformers 4.x fields
// (rope_theta, rope_scaling) and 5.x ones (rope_parameters, layer_types), and nested text_config.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/model_config.hpp"

namespace archscope {

const std::vector<std::string>& supported_hf_model_types();

// Throws Error(Unsupported) for an unknown model_type, listing the supported ones; the result is
// validated.
ModelConfig import_hf_config(const nlohmann::json& hf, const std::string& origin = "");
// Reads and imports the file; an unnamed result is named by default_hf_name and its family set to
// the model_type.
ModelConfig import_hf_config_file(const std::filesystem::path& path);

// The name of a model imported from `file` when none is given: its model_type, with the
// checkpoint directory (".../Meta-Llama-3-8B/config.json") or else the file's own stem
// ("llama3-8b.json") beside it: "llama (Meta-Llama-3-8B)". Only the model_type when neither says
// more.
std::string default_hf_name(const nlohmann::json& hf, const std::filesystem::path& file);
// Fills config.name and config.family from default_hf_name and the model_type where empty.
void name_imported_model(ModelConfig& config, const nlohmann::json& hf,
                         const std::filesystem::path& file);

}  // namespace archscope
