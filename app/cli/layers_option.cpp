#include "cli/layers_option.hpp"

namespace archscope::cli {

void add_layers_option(CLI::App& app, std::string& value) {
  app.add_option(
      "--layers", value,
      "Run only layers A..B of the model: A:B, both included, counted from 0 (0:1 is the first "
      "two layers; 5 alone is layer 5). The slice runs at the model's real width with seeded "
      "random "
      "weights, plus the model's embedding, final norm and LM head, so per-token figures include "
      "them; only the slice's weights and KV cache are allocated. Each layer keeps its identity in "
      "the full model (attention kind, sliding/global, dense or MoE, RoPE base). The output adds a "
      "whole-model estimate EXTRAPOLATED from the measured layers over the plan's identical "
      "layers; "
      "a layer class the slice lacks is named, not guessed (docs/profiling.md)");
}

std::optional<LayerRange> layers_option(const std::string& value, const ModelConfig& config) {
  if (value.empty()) return std::nullopt;
  return parse_layer_range(value, config, "--layers");
}

}  // namespace archscope::cli
