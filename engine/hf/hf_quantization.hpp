// The quantization a Hugging Face checkpoint is published in, from config.json's
// `quantization_config` (transformers' quantizers read the same object). Two published formats
// load, dequantized at load time into the run's weights dtype (model/hf_packed.hpp):
// - quant_method "mxfp4" (gpt-oss; transformers Mxfp4Config): the routed experts' fused
//   gate_up_proj / down_proj as `*_blocks` + `*_scales`; modules_to_not_convert (gpt-oss lists
//   model.layers.*.self_attn, model.layers.*.mlp.router, model.embed_tokens, lm_head) stay bf16.
// - quant_method "fp8" (DeepSeek-V3 / R1, Kimi K2; transformers FineGrainedFP8Config): every
//   linear weight that is F8_E4M3 with a `weight_scale_inv` beside it; fmt "e4m3",
//   weight_block_size [128, 128] and activation_scheme "dynamic" are the only values accepted.
// No quantization_config: an unquantized checkpoint. Anything else is refused naming the JSON
// path (an unknown quant_method is Unsupported, a malformed field Parse / Validation).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "quant/formats.hpp"

namespace archscope {

struct CheckpointQuant {
  // Mxfp4 or Fp8E4M3Block128: the archscope format whose values the published layout holds.
  quant::Format format = quant::Format::Mxfp4;
  std::string method;                // quant_method as written ("mxfp4", "fp8")
  int64_t block_n = 0, block_k = 0;  // fp8: weight_block_size
  std::vector<std::string> modules_to_not_convert;
  // The packed tensors are the routed experts only (MXFP4: gpt-oss quantizes its fused experts;
  // the loader decodes MXFP4 for [E, in, out] expert stacks only), not every linear weight (FP8).
  bool experts_only = false;
  std::string where;  // "config.json: quantization_config", for messages
};

// The checkpoint quantization of an HF config.json object (top level: wrappers such as Gemma 3 /
// Llama 4 keep it there too); nullopt without quantization_config (or with null).
std::optional<CheckpointQuant> read_hf_quantization(const nlohmann::json& hf,
                                                    const std::string& origin);
// The same for <dir>/config.json; nullopt when the directory has no config.json.
std::optional<CheckpointQuant> read_hf_quantization_dir(const std::filesystem::path& dir);
// ... and for a config.json file.
std::optional<CheckpointQuant> read_hf_quantization_file(const std::filesystem::path& config_json);

}  // namespace archscope
