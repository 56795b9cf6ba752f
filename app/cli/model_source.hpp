// The CLI's model-selection options, shared by every command that takes a model:
// exactly one of --preset NAME, --config FILE, --hf-config FILE (and, where the command runs
// weights, --model HF_DIR).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "config/model_config.hpp"

namespace archscope::cli {

struct ModelSource {
  std::string preset;
  std::string config;
  std::string hf_config;
  std::string model_dir;  // only where add_model_source(..., with_model_dir = true)

  // "--preset deepseek-v3", "--config my.json", ... for messages and run records.
  std::string describe() const;
};

// Adds the options to `app`, mutually exclusive; one of them is required when the command runs.
void add_model_source(CLI::App& app, ModelSource& source, bool with_model_dir);

// Loads and validates the configuration. Throws Error(Validation, "--preset|--config|...") when
// none or several are given; load errors keep their file and JSON path.
ModelConfig load_model_config(const ModelSource& source);

// A model named on the command line without a flag: a preset name, or a path to an
// archscope.model/1 file, or a Hugging Face config.json (told apart by its "format" tag).
// `label` names the argument in errors ("B: unknown preset 'x'"), never an option it was not.
ModelConfig load_model_argument(const std::string& argument, const std::string& label);

}  // namespace archscope::cli
