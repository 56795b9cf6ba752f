// Upper bounds on configuration sizes. No 2025 model comes within orders of magnitude of them;
// they exist so that a typo or a hostile file cannot make expand_layers allocate gigabytes or make
// the planner's size products (d_model * vocab_size, experts * expert_d_ff * d_model) overflow int64.
#pragma once

#include <cstdint>

namespace archscope {

inline constexpr int64_t kMaxLayers = 65536;             // n_layers and expanded pattern length
inline constexpr int64_t kMaxDimension = int64_t{1} << 24;  // widths, head counts, vocab, experts
inline constexpr int64_t kMaxContext = int64_t{1} << 40;    // max_context, original_max_position

}  // namespace archscope
