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

}  // namespace archscope::cli
