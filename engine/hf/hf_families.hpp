// One importer per family group; each receives the text-model object (text_config already
// unwrapped) and returns an unvalidated ModelConfig without name/family/source.
#pragma once

#include <string>

#include "config/model_config.hpp"
#include "hf/hf_reader.hpp"

namespace archscope::hf {

// llama, mistral, mixtral, qwen2, qwen3, qwen3_moe, smollm3, olmo2: the Llama skeleton with
// per-family biases, qk-norm, norm placement, sliding windows, NoPE layers and MoE.
ModelConfig import_llama_like(const Reader& r, const std::string& model_type);
ModelConfig import_gemma3(const Reader& r);
ModelConfig import_gemma2(const Reader& r);
ModelConfig import_deepseek_v3(const Reader& r);  // also kimi_k2
ModelConfig import_glm4_moe(const Reader& r);
ModelConfig import_gpt_oss(const Reader& r);
ModelConfig import_qwen3_next(const Reader& r);
ModelConfig import_llama4(const Reader& r);
ModelConfig import_gpt2(const Reader& r);  // learned positions, LayerNorm, fused c_attn

}  // namespace archscope::hf
