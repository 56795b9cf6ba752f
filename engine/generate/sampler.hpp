// Next-token sampling from one row of logits: greedy, or temperature / top-k / top-p (applied in
// that order, as Hugging Face's generate does) with a seeded generator, so a run is repeatable for
// a given seed on any machine (the generator and the float conversion are ours, not the standard
// library's implementation-defined distributions).
#pragma once

#include <cstdint>
#include <span>

namespace archscope {

struct SamplerOptions {
  double temperature = 1.0;  // 0: greedy (argmax, lowest id on ties)
  int64_t top_k = 0;         // 0: no limit; otherwise only the k highest logits may be picked
  double top_p = 1.0;        // nucleus: the smallest set of top tokens whose mass reaches top_p
  uint64_t seed = 0;
};

// Throws Error(Validation, "--temperature" / "--top-k" / "--top-p") for out-of-range options.
void validate(const SamplerOptions& options);

// A 64-bit generator (splitmix64): tiny state, fully specified output, good enough statistics for
// sampling. uniform() is in [0, 1) with 53 random bits.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next();
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

class Sampler {
 public:
  // `stream` separates sequences of one batch: each gets its own generator derived from the seed,
  // so a sequence's samples do not depend on how many others run beside it.
  explicit Sampler(const SamplerOptions& options, uint64_t stream = 0);

  // Picks a token id from logits over the vocabulary. Throws Error(Internal) on a NaN logit (a
  // broken forward pass must not turn into a plausible-looking token).
  int32_t sample(std::span<const float> logits);

  const SamplerOptions& options() const { return options_; }

 private:
  SamplerOptions options_;
  SplitMix64 rng_;
};

// argmax with the lowest index on ties.
int32_t greedy_token(std::span<const float> logits);

}  // namespace archscope
