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
ModelConfig import_hf_config_file(const std::filesystem::path& path);

}  // namespace archscope
