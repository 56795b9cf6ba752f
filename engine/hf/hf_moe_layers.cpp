#include <algorithm>
#include <numeric>

#include "common/error.hpp"
#include "hf/hf_common.hpp"

namespace archscope::hf {

void place_moe_layers(MoeConfig& moe, const std::vector<bool>& is_moe) {
  const int64_t n = static_cast<int64_t>(is_moe.size());
  int64_t first = -1;
  int64_t g = 0;  // every usable interleave divides (i + 1) of every MoE layer
  for (int64_t i = 0; i < n; ++i) {
    if (!is_moe[i]) continue;
    if (first < 0) first = i;
    g = std::gcd(g, i + 1);
  }
  if (first < 0) throw Error(ErrorKind::Internal, "moe", "no MoE layer to place");

  int64_t best_k = 1;
  std::vector<int64_t> best_dense;
  bool have_best = false;
  for (int64_t k = 1; k <= g; ++k) {
    if (g % k != 0) continue;
    // Starting at 0 when no rule layer precedes the first MoE one keeps the DeepSeek form
    // (first_dense = 3, interleave 1) and the Llama 4 form (0, 2) both natural.
    const int64_t start = first < k ? 0 : first;
    std::vector<int64_t> dense;
    for (int64_t i = start; i < n; ++i) {
      if ((i + 1) % k == 0 && !is_moe[i]) dense.push_back(i);
    }
    if (!have_best || dense.size() <= best_dense.size()) {
      best_k = k;
      best_dense = std::move(dense);
      have_best = true;
    }
  }
  moe.first_dense = first < best_k ? 0 : first;
  moe.interleave = best_k;
  moe.dense_layers = std::move(best_dense);
}

}  // namespace archscope::hf
