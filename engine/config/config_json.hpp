// JSON form of ModelConfig ("format": "archscope.model/1"). Loading validates; saving writes every
// field so that load(save(c)) == c and save(load(save(c))) is byte-identical.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/model_config.hpp"

namespace archscope {

inline constexpr const char* kModelFormatTag = "archscope.model/1";

// Parses and validates. Errors name `origin` (a file name) and the JSON path:
// "qwen.json: attention.kv_heads: 3 does not divide heads 32". Unknown keys are errors with a
// "did you mean" hint.
ModelConfig config_from_json(const nlohmann::json& j, const std::string& origin = "");
// Reads without validate(): every key and type is still checked, but rules between fields are
// not, so an editor can open a file that breaks one and show where (validate() on the result
// reports it as config_from_json would).
ModelConfig read_config_json(const nlohmann::json& j, const std::string& origin = "");
ModelConfig config_from_text(std::string_view text, const std::string& origin = "");
ModelConfig load_config_file(const std::filesystem::path& path);

nlohmann::json config_to_json(const ModelConfig& config);
std::string config_to_text(const ModelConfig& config);  // 2-space indented, trailing newline
void save_config_file(const ModelConfig& config, const std::filesystem::path& path);

}  // namespace archscope
