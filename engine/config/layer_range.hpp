// A slice of a model's transformer layers (`--layers A:B`): layers A..B, both included, counted
// from 0 as in the model's own numbering. A sliced model runs only those layers, at the model's
// real width, with the prologue (embedding) and the epilogue (final norm, LM head) of the whole
// model, and every layer keeps its identity in the full model: layer 3 of DeepSeek-V3 is still an
// MoE layer, layer 5 of Gemma 3 still a global one with the global RoPE base, and its seeded
// random weights are the full model's (they depend on the tensor's name, which holds the index).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/model_config.hpp"

namespace archscope {

struct LayerRange {
  int64_t first = 0;
  int64_t last = 0;  // included

  int64_t count() const { return last - first + 1; }
  bool contains(int64_t layer) const { return layer >= first && layer <= last; }
  bool operator==(const LayerRange&) const = default;
};

// Whether `layer` runs: every layer of an unsliced model (nullopt), otherwise those of the slice.
inline bool runs_layer(const std::optional<LayerRange>& slice, int64_t layer) {
  return !slice || slice->contains(layer);
}

// "A:B" (both included) or "A" (one layer). Throws Error(Validation, option) for text that is not
// that, a negative index, A > B, or B beyond the model's last layer (the message names the model
// and its layer range).
LayerRange parse_layer_range(const std::string& text, const ModelConfig& config,
                             const std::string& option = "--layers");
// Error(Validation, where) unless 0 <= first <= last < config.n_layers.
void check_layer_range(const LayerRange& range, const ModelConfig& config,
                       const std::string& where = "--layers");

// "3..4" (one layer: "3"), the form reports use.
std::string to_string(const LayerRange& range);

}  // namespace archscope
