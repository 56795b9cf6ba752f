// --layers A:B of `run` and `bench`: run a slice of the model's layers at its real width and
// extrapolate the whole model from it (engine/config/layer_range.hpp, views/run_report/run_slice).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "config/layer_range.hpp"
#include "config/model_config.hpp"

namespace archscope::cli {

void add_layers_option(CLI::App& app, std::string& value);
// nullopt for an empty value; otherwise parse_layer_range (errors at --layers).
std::optional<LayerRange> layers_option(const std::string& value, const ModelConfig& config);

}  // namespace archscope::cli
