#include "hf/hf_import.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "config/json_text.hpp"
#include "hf/hf_families.hpp"
#include "hf/hf_reader.hpp"

namespace archscope {

namespace {

// Multimodal wrappers whose text model lives in text_config.
bool is_wrapper(const std::string& t) { return t == "gemma3" || t == "llama4" || t == "mistral3"; }

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

ModelConfig dispatch(const hf::Reader& r, const std::string& t) {
  if (t == "llama" || t == "mistral" || t == "mixtral" || t == "qwen2" || t == "qwen3" ||
      t == "qwen3_moe" || t == "smollm3" || t == "olmo2") {
    return hf::import_llama_like(r, t);
  }
  if (t == "gemma3_text" || t == "gemma3") return hf::import_gemma3(r);
  if (t == "gemma2") return hf::import_gemma2(r);
  if (t == "deepseek_v3" || t == "kimi_k2") return hf::import_deepseek_v3(r);
  if (t == "glm4_moe") return hf::import_glm4_moe(r);
  if (t == "gpt_oss") return hf::import_gpt_oss(r);
  if (t == "qwen3_next") return hf::import_qwen3_next(r);
  if (t == "llama4_text" || t == "llama4") return hf::import_llama4(r);
  if (t == "gpt2") return hf::import_gpt2(r);
  throw Error(ErrorKind::Internal, r.where("model_type"), "no importer for '" + t + "'");
}

std::string model_type_of(const hf::Reader& r) {
  if (!r.has("model_type")) {
    throw Error(ErrorKind::Validation, r.where("model_type"), "required field is missing");
  }
  return r.string_or("model_type", "");
}

void check_supported(const hf::Reader& r, const std::string& t) {
  const auto& ok = supported_hf_model_types();
  if (std::find(ok.begin(), ok.end(), t) == ok.end()) {
    throw Error(ErrorKind::Unsupported, r.where("model_type"),
                "unsupported model_type '" + t + "'; supported: " + join(ok));
  }
}

// Mixtral, gpt-oss and Qwen3-MoE publish an intermediate_size that no layer uses (or that is the
// experts' width); d_ff 0 says "no dense layer" instead of carrying a dead number.
void drop_unused_dense_width(ModelConfig& c) {
  if (c.moe.experts == 0) return;
  for (int64_t i = 0; i < c.n_layers; ++i) {
    const bool moe = i >= c.moe.first_dense && (i + 1) % c.moe.interleave == 0 &&
                     std::find(c.moe.dense_layers.begin(), c.moe.dense_layers.end(), i) ==
                         c.moe.dense_layers.end();
    if (!moe) return;
  }
  c.ffn.d_ff = 0;
}

}  // namespace

const std::vector<std::string>& supported_hf_model_types() {
  static const std::vector<std::string> types = {
      "deepseek_v3", "gemma2",    "gemma3",    "gemma3_text", "glm4_moe",  "gpt2",      "gpt_oss",   "kimi_k2",
      "llama",       "llama4",    "llama4_text", "mistral",   "mistral3",  "mixtral",
      "olmo2",       "qwen2",     "qwen3",       "qwen3_moe", "qwen3_next", "smollm3"};
  return types;
}

ModelConfig import_hf_config(const nlohmann::json& hf, const std::string& origin) {
  const hf::Reader top(hf, origin);
  const std::string type = model_type_of(top);
  check_supported(top, type);

  ModelConfig config;
  if (is_wrapper(type) && top.has("text_config")) {
    const auto text = *top.object("text_config");
    // The wrapper's text_config names its own type (gemma3_text, llama4_text, mistral); an
    // absent one means the wrapper's family.
    std::string inner = type == "mistral3" ? "mistral" : type == "gemma3" ? "gemma3_text"
                                                                          : "llama4_text";
    if (text.has("model_type")) {
      inner = model_type_of(text);
      check_supported(text, inner);
      if (is_wrapper(inner)) text.fail_value("model_type", "a text_config cannot nest another");
    }
    config = dispatch(text, inner);
  } else if (type == "mistral3") {
    top.fail_value("text_config", "required for model_type 'mistral3'");
  } else {
    config = dispatch(top, type);
  }
  drop_unused_dense_width(config);
  try {
    validate(config);
  } catch (const Error& e) {
    // Name the file: the rule broken is ours, but the input that broke it is the user's.
    throw e.within(origin);
  }
  return config;
}

ModelConfig import_hf_config_file(const std::filesystem::path& path) {
  const nlohmann::json j = read_json_file(path, "cannot open file");
  ModelConfig config = import_hf_config(j, path.filename().string());
  name_imported_model(config, j, path);
  return config;
}

std::string default_hf_name(const nlohmann::json& hf, const std::filesystem::path& file) {
  const auto it = hf.find("model_type");
  const std::string type = it != hf.end() && it->is_string() ? it->get<std::string>() : "model";
  std::string label;
  if (file.filename() == "config.json") {
    std::error_code ec;
    const std::filesystem::path abs = std::filesystem::absolute(file, ec);
    label = (ec ? file : abs).parent_path().filename().string();
  } else {
    label = file.stem().string();
  }
  if (label.empty() || label == type || label == "config") return type;
  return type + " (" + label + ")";
}

void name_imported_model(ModelConfig& config, const nlohmann::json& hf,
                         const std::filesystem::path& file) {
  if (config.name.empty()) config.name = default_hf_name(hf, file);
  if (config.family.empty()) {
    const auto it = hf.find("model_type");
    if (it != hf.end() && it->is_string()) config.family = it->get<std::string>();
  }
}

}  // namespace archscope
