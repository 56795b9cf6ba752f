// Options shared by the commands that run the engine (logits, generate, bench, run): --backend,
// parsed by the backend registry so every command accepts and rejects the same names, and the
// one --weights-dtype default (stack/model_stack.hpp says why bf16).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "backend/tensor.hpp"
#include "generate/engine_model.hpp"
#include "model/weight_quant.hpp"
#include "registry/registry.hpp"

namespace archscope::cli {

inline constexpr const char* kWeightsDtypeHelp =
    "Weight storage: fp32, bf16 or fp16. bf16, the default of logits, generate, bench and run, is "
    "how "
    "checkpoints ship and reads half the bytes of fp32; pass fp32 to compare with a float32 "
    "reference. A checkpoint published quantized (gpt-oss mxfp4, DeepSeek-V3 fp8) is dequantized "
    "into this dtype at load, tensor by tensor";

// "bf16": the name of the model stack's kDefaultWeightsElem, what --weights-dtype defaults to.
std::string default_weights_dtype();

// Adds --weights-quant SCHEME to `app` (empty: none).
void add_weights_quant_option(CLI::App& app, std::string& value);

// engine/generate/engine_model.hpp: the rule the studio's Run dock shares.
using archscope::weights_choice;
using archscope::WeightsChoice;

// One line for stderr after a load with a scheme: tensors quantized, true bits per weight,
// packed bytes, and that memory holds them dequantized; or, for a checkpoint published quantized
// (gpt-oss mxfp4, DeepSeek-V3 fp8), its format, packed tensors and bytes. Empty otherwise.
std::string describe_weights_quant(const WeightQuantization& q);
inline std::string describe_weights_quant(const WeightQuantization* q) { return q ? describe_weights_quant(*q) : ""; }

// Adds --kv-dtype (default fp32) to `app`: the KV cache element type, engine/kv/kv_dtype.hpp.
void add_kv_dtype_option(CLI::App& app, std::string& value);
// The --kv-dtype value as the cache's element type; Error(Validation, "--kv-dtype") listing the
// accepted names.
Elem kv_dtype_option(const std::string& value);

// Adds --backend (default "cpu") to `app`, storing the raw text in `value`.
void add_backend_option(CLI::App& app, std::string& value);
// Adds --kernel NAME=VARIANT (repeatable) to `app`: the kernel variants of the CUDA backend.
void add_kernel_option(CLI::App& app, std::vector<std::string>& values);

// parse_backend_spec with errors located at --backend, and the device checked to exist here (a
// CUDA request without the CUDA backend or a device fails now, before any file or model is
// touched, in one line).
BackendSpec backend_spec(const std::string& value, const std::vector<std::string>& kernels = {});

}  // namespace archscope::cli
