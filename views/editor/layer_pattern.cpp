#include "editor/layer_pattern.hpp"

#include <algorithm>

namespace archscope::editor {

namespace {
bool listed(const std::vector<int64_t>& v, int64_t i) {
  return std::find(v.begin(), v.end(), i) != v.end();
}
}  // namespace

void set_layers_moe(ModelConfig& c, const std::vector<int64_t>& layers, bool moe) {
  MoeConfig& m = c.moe;
  if (moe && m.experts == 0) {
    throw Error(ErrorKind::Validation, "moe.experts",
                "set routed experts first: this model has no MoE layers");
  }
  for (int64_t i : layers) {
    if (i < 0 || i >= c.n_layers) continue;
    if (!moe) {
      if (is_moe_layer(c, i)) m.dense_layers.push_back(i);
      continue;
    }
    if (listed(m.dense_layers, i)) {
      m.dense_layers.erase(std::remove(m.dense_layers.begin(), m.dense_layers.end(), i),
                           m.dense_layers.end());
    }
    if (i < m.first_dense) {
      throw Error(ErrorKind::Validation, "moe.first_dense",
                  "layer " + std::to_string(i) + " is dense because first_dense is " +
                      std::to_string(m.first_dense) + "; lower it to make the layer MoE");
    }
    if (m.interleave > 1 && (i + 1) % m.interleave != 0) {
      throw Error(ErrorKind::Validation, "moe.interleave",
                  "layer " + std::to_string(i) + " is dense because only every " +
                      std::to_string(m.interleave) +
                      "th layer is MoE; set interleave to 1 to choose layers one by one");
    }
  }
  std::sort(m.dense_layers.begin(), m.dense_layers.end());
  m.dense_layers.erase(std::unique(m.dense_layers.begin(), m.dense_layers.end()),
                       m.dense_layers.end());
}

}  // namespace archscope::editor
