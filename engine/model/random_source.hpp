// Deterministic seeded weights for models without a checkpoint. Each tensor's values depend only
// on (seed, tensor name), so adding a layer does not change the others. Matrices are Gaussian with
// std 1/sqrt(fan_in) (unit-variance activations through each projection); norm weights are
// 1 + 0.02 N (w form) or 0.02 N (1 + w form); biases 0.02 N; conv taps 1/sqrt(kernel) N; sinks N;
// A_log = log U(1, 16), dt_bias 0.1 N, as the Qwen3-Next initialiser.
// heavy_tailed: trained LLMs have a few hidden channels of very large magnitude (outlier
// features); this mode scales a fixed set of ~0.5% of the input channels of every matrix by
// `outlier_scale` and gives the matching norm weights the same boost, so quantisation studies see
// realistic outliers.
#pragma once

#include <cstdint>
#include <vector>

#include "model/weight_source.hpp"

namespace archscope {

struct RandomInitOptions {
  uint64_t seed = 0;
  bool heavy_tailed = false;
  double outlier_fraction = 0.005;  // of the input channels (at least one)
  double outlier_scale = 20.0;
};

class RandomWeightSource final : public WeightSource {
 public:
  explicit RandomWeightSource(const RandomInitOptions& options) : options_(options) {}
  bool has(const TensorRequest&) const override { return true; }
  std::vector<float> read(const TensorRequest& request) override;
  // Generates max_values (rounded to whole rows) at a time into one scratch buffer: the only
  // temporary while loading is that buffer, whatever the tensor's size. Same values as read().
  void read_chunked(const TensorRequest& request, int64_t max_values,
                    const std::function<void(const float*, int64_t)>& sink) override;

  // The outlier channels of a width (heavy_tailed), sorted; exposed for tests and studies.
  std::vector<int64_t> outlier_channels(int64_t width) const;

 private:
  class Generator;
  RandomInitOptions options_;
};

}  // namespace archscope
