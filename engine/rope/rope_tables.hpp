// RoPE frequencies and cos/sin tables, backend-neutral (host vectors; a backend uploads them).
// Matches transformers' modeling_rope_utils: _compute_default_rope_parameters, _linear_scaling_,
// _llama3_ and _yarn_ (with DeepSeek's mscale/mscale_all_dim and gpt-oss's truncate=false),
// computed in float64 (transformers uses fp32; the difference is fp32 rounding).
#pragma once

#include <cstdint>
#include <vector>

#include "config/model_config.hpp"

namespace archscope {

// Rotated dims per head: int(head_dim * partial_rotary), as transformers truncates it; even.
int64_t rope_rotary_dim(const Rope& rope, int64_t head_dim);

// YaRN's magnitude correction: 1 for scale <= 1, else 0.1 * mscale * ln(scale) + 1.
double yarn_get_mscale(double scale, double mscale = 1.0);

struct RopeFrequencies {
  std::vector<double> inv_freq;   // rot_dim / 2 entries
  double attention_factor = 1.0;  // multiplies cos and sin (YaRN); 1 otherwise
};

// max_position: the model's max_position_embeddings, YaRN's fallback when the scaling gives no
// original_max_position. Throws Validation on unusable parameters (odd rot_dim, factor <= 0...).
RopeFrequencies rope_frequencies(const Rope& rope, int64_t rot_dim, int64_t max_position);

// cos/sin[p * rot_dim/2 + i] = cos/sin(p * inv_freq[i]) * attention_factor, p in [0, positions).
// The halves layout duplicates each frequency over both halves; the apply op does that, so the
// table stores each frequency once.
struct RopeTable {
  int64_t rot_dim = 0;
  int64_t positions = 0;
  double attention_factor = 1.0;
  std::vector<double> inv_freq;
  std::vector<float> cos;
  std::vector<float> sin;
};

RopeTable rope_table(const Rope& rope, int64_t rot_dim, int64_t positions, int64_t max_position);

}  // namespace archscope
