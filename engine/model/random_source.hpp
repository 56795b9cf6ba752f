// Deterministic seeded weights for models without a checkpoint. Each tensor's values depend only
// on (seed, tensor name), so adding a layer does not change the others. Matrices are Gaussian with
// std 1/sqrt(fan_in) (unit-variance activations through each projection); norm weights are
// 1 + 0.02 N (w form) or 0.02 N (1 + w form); biases 0.02 N; conv taps 1/sqrt(kernel) N; sinks N;
// A_log = log U(1, 16), dt_bias 0.1 N, as the Qwen3-Next initialiser.
// Counter-based, so a tensor is generated in parallel pieces with the same values however it is
// split: with key = seed * 0x100000001b3 XOR FNV-1a(name) and U(n) = the n-th output of
// SplitMix64 started at key (random_detail::splitmix64_at), the values 2p and 2p + 1 are
// mean + std * z of Marsaglia's polar pair p: with k = U(p + 1) and V(n) the n-th output of
// SplitMix64 started at k, attempt a = 0, 1, ... takes x = 2 (V(2a+1) >> 11) / 2^53 - 1 and
// y = 2 (V(2a+2) >> 11) / 2^53 - 1 until 0 < s = x^2 + y^2 < 1, and z = x, y times
// sqrt(-2 ln s / s); evaluated in double, rounded once to float. A_log value i is
// ln(1 + 15 (U(i+1) >> 11) / 2^53).
// heavy_tailed: trained LLMs have a few hidden channels of very large magnitude (outlier
// features); this mode scales a fixed set of ~0.5% of the input channels of every matrix by
// `outlier_scale` and gives the matching norm weights the same boost, so quantisation studies see
// realistic outliers.
#pragma once

#include <cstdint>
#include <string>
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
  // Generates up to 16 Mi values at a time on every hardware thread into one scratch buffer and
  // hands them over max_values (rounded to whole rows) at a time: the only temporary while
  // loading is that buffer, whatever the tensor's size. Same values as read().
  void read_chunked(const TensorRequest& request, int64_t max_values,
                    const std::function<void(const float*, int64_t)>& sink) override;
  // bf16 / fp16: the same values rounded as the builder rounds fp32 (host_convert.hpp), the
  // conversion on every thread too. Other element types: false (the builder converts).
  bool read_stored(const TensorRequest& request, Elem elem, int64_t max_values,
                   const std::function<void(const void*, int64_t)>& sink) override;

  // The outlier channels of a width (heavy_tailed), sorted; exposed for tests and studies.
  std::vector<int64_t> outlier_channels(int64_t width) const;

 private:
  class Generator;
  RandomInitOptions options_;
};

namespace random_detail {
// The n-th output (n >= 1) of SplitMix64 (Steele, Lea, Flood 2014; Vigna's splitmix64.c) whose
// state starts at key: the mix of key + n * 0x9e3779b97f4a7c15.
uint64_t splitmix64_at(uint64_t key, uint64_t n);
// A tensor's generator key.
uint64_t tensor_key(uint64_t seed, const std::string& name);
}  // namespace random_detail

}  // namespace archscope
