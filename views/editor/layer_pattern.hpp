// Per-layer views of the config's patterns for editing one layer or a run of layers: expand a
// pattern to one entry per layer, change some, and fold the result back into the shortest
// pattern that repeats to the same layers (["sliding*5", "full"] stays two entries).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "config/model_config.hpp"

namespace archscope::editor {

// pattern[i % size] for i < n; empty when the pattern is.
template <class E>
std::vector<E> expand_pattern(const LayerPattern<E>& pattern, int64_t n) {
  std::vector<E> out;
  if (pattern.empty() || n <= 0) return out;
  out.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out.push_back(pattern[static_cast<size_t>(i) % pattern.size()]);
  return out;
}

// The shortest prefix p of `layers` with layers[i] == p[i % |p|] for every i.
template <class E>
LayerPattern<E> shortest_pattern(const std::vector<E>& layers) {
  const size_t n = layers.size();
  for (size_t period = 1; period < n; ++period) {
    bool repeats = true;
    for (size_t i = period; i < n && repeats; ++i) repeats = layers[i] == layers[i - period];
    if (repeats)
      return LayerPattern<E>(layers.begin(), layers.begin() + static_cast<std::ptrdiff_t>(period));
  }
  return layers;
}

// Makes `layers` (indices < n_layers) MoE or dense by editing moe.dense_layers. A layer that the
// first_dense / interleave rules make dense cannot become MoE this way: Error(Validation,
// "moe.first_dense" or "moe.interleave") says which rule to change. Without experts, Error at
// "moe.experts".
void set_layers_moe(ModelConfig& config, const std::vector<int64_t>& layers, bool moe);

}  // namespace archscope::editor
