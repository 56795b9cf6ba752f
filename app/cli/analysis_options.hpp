// Options shared by commands that summarise a model analytically (analyze, diff-config).
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "plan/analysis.hpp"

namespace archscope::cli {

struct AnalysisFlags {
  int64_t context = 4096;
  int64_t batch = 1;
  std::string weights_dtype = "bf16";
  std::string kv_dtype = "bf16";
  std::string hardware;
  int64_t quant_group_size = 0;
  std::string weights_quant;  // empty: none
};

void add_analysis_flags(CLI::App& app, AnalysisFlags& flags);

// Validates the flags (Error(Validation, "--context" ...)) and loads the hardware profile if named.
AnalysisOptions analysis_options(const AnalysisFlags& flags);
std::optional<HardwareProfile> analysis_hardware(const AnalysisFlags& flags);

// An HF config.json published quantized (quantization_config: gpt-oss mxfp4, DeepSeek-V3 fp8) is
// counted as published: its format on the routed experts (mxfp4) or every block linear weight
// (fp8). --weights-quant or a quantized --weights-dtype with it are refused (Error Validation).
void checkpoint_quant(AnalysisOptions& options, const AnalysisFlags& flags, const std::string& hf_config);

}  // namespace archscope::cli
