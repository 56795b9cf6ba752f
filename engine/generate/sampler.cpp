#include "generate/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace archscope {

void validate(const SamplerOptions& o) {
  if (!(o.temperature >= 0.0) || !std::isfinite(o.temperature)) {
    throw Error(ErrorKind::Validation, "--temperature",
                "must be a finite number >= 0 (0 = greedy), got " + std::to_string(o.temperature));
  }
  if (o.top_k < 0) {
    throw Error(ErrorKind::Validation, "--top-k",
                "must be >= 0 (0 = no limit), got " + std::to_string(o.top_k));
  }
  if (!(o.top_p > 0.0 && o.top_p <= 1.0)) {
    throw Error(ErrorKind::Validation, "--top-p",
                "must be in (0, 1], got " + std::to_string(o.top_p));
  }
}

uint64_t SplitMix64::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

namespace {

uint64_t stream_seed(uint64_t seed, uint64_t stream) {
  // Run the stream index through the mixer once so neighbouring streams start far apart.
  SplitMix64 mix(seed ^ (stream * 0xd1b54a32d192ed03ULL));
  return mix.next();
}

void check_finite(std::span<const float> logits) {
  for (size_t i = 0; i < logits.size(); ++i) {
    if (std::isnan(logits[i])) {
      throw Error(ErrorKind::Internal, "sampler", "logit of token " + std::to_string(i) + " is NaN");
    }
  }
}

}  // namespace

int32_t greedy_token(std::span<const float> logits) {
  if (logits.empty()) throw Error(ErrorKind::Internal, "sampler", "empty logits");
  check_finite(logits);
  return static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

Sampler::Sampler(const SamplerOptions& options, uint64_t stream)
    : options_(options), rng_(stream_seed(options.seed, stream)) {
  validate(options_);
}

int32_t Sampler::sample(std::span<const float> logits) {
  const int64_t vocab = static_cast<int64_t>(logits.size());
  if (options_.temperature == 0.0 || options_.top_k == 1) return greedy_token(logits);
  check_finite(logits);

  // Candidates best first (ties: lower id first, so the order and the result are deterministic).
  // Only top-k / top-p need an order; sorting k of them is enough for top-k alone.
  std::vector<int32_t> ids(static_cast<size_t>(vocab));
  std::iota(ids.begin(), ids.end(), 0);
  const auto better = [&](int32_t a, int32_t b) {
    return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
  };
  const int64_t k = options_.top_k > 0 ? std::min(options_.top_k, vocab) : vocab;
  if (k < vocab || options_.top_p < 1.0) {
    std::partial_sort(ids.begin(), ids.begin() + k, ids.end(), better);
  }
  ids.resize(static_cast<size_t>(k));
  const float best = *std::max_element(logits.begin(), logits.end());
  if (std::isinf(best) && best < 0) {
    throw Error(ErrorKind::Internal, "sampler", "every logit is -inf: nothing can be sampled");
  }

  // Softmax at the temperature, relative to the best logit so exp() cannot overflow; in double so
  // that a tiny temperature underflows the others to exactly 0 and degenerates to greedy.
  std::vector<double> weight(ids.size());
  double total = 0.0;
  for (size_t i = 0; i < ids.size(); ++i) {
    weight[i] = std::exp((static_cast<double>(logits[ids[i]]) - best) / options_.temperature);
    total += weight[i];
  }

  size_t kept = ids.size();
  if (options_.top_p < 1.0) {
    // Smallest prefix whose mass reaches p: stop at the first token that gets there.
    double mass = 0.0;
    for (size_t i = 0; i < ids.size(); ++i) {
      mass += weight[i];
      if (mass >= options_.top_p * total) {
        kept = i + 1;
        break;
      }
    }
    total = std::accumulate(weight.begin(), weight.begin() + static_cast<std::ptrdiff_t>(kept), 0.0);
  }

  double u = rng_.uniform() * total;
  for (size_t i = 0; i < kept; ++i) {
    if (u < weight[i]) return ids[i];
    u -= weight[i];
  }
  // Rounding can leave u a hair above the last weight; the last kept token with weight wins.
  for (size_t i = kept; i-- > 0;) {
    if (weight[i] > 0.0) return ids[i];
  }
  return ids[0];
}

}  // namespace archscope
