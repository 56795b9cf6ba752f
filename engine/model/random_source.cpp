#include "model/random_source.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include "common/error.hpp"

namespace archscope {

namespace {

// FNV-1a: a stable per-name seed (std::hash is not specified to be stable across builds).
uint64_t name_hash(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace

std::vector<int64_t> RandomWeightSource::outlier_channels(int64_t width) const {
  if (!options_.heavy_tailed || width <= 0) return {};
  const int64_t n = std::max<int64_t>(1, static_cast<int64_t>(std::llround(options_.outlier_fraction * static_cast<double>(width))));
  // The same channels for every tensor of this width, so the outliers line up through the
  // residual stream (norm weights and the matrices that read it), as in trained models.
  std::mt19937_64 rng(options_.seed ^ 0x9e3779b97f4a7c15ull ^ static_cast<uint64_t>(width));
  std::vector<int64_t> all(static_cast<size_t>(width));
  for (int64_t i = 0; i < width; ++i) all[static_cast<size_t>(i)] = i;
  std::shuffle(all.begin(), all.end(), rng);
  all.resize(static_cast<size_t>(std::min(n, width)));
  std::sort(all.begin(), all.end());
  return all;
}

std::vector<float> RandomWeightSource::read(const TensorRequest& r) {
  int64_t numel = 1;
  for (int64_t d : r.shape) numel *= d;
  std::vector<float> out(static_cast<size_t>(numel));
  std::mt19937_64 rng(options_.seed * 0x100000001b3ull ^ name_hash(r.name));
  std::normal_distribution<double> normal(0.0, 1.0);
  const int64_t last = r.shape.empty() ? 1 : r.shape.back();
  double std_dev = 1.0, mean = 0.0;
  switch (r.role) {
    case TensorRole::Matrix:
    case TensorRole::Embedding:
      if (r.fan_in <= 0) throw Error(ErrorKind::Internal, r.name, "matrix request without fan_in");
      std_dev = r.role == TensorRole::Embedding ? 1.0 : 1.0 / std::sqrt(static_cast<double>(r.fan_in));
      break;
    case TensorRole::Norm: mean = 1.0; std_dev = 0.02; break;
    case TensorRole::NormOffset: std_dev = 0.02; break;
    case TensorRole::Bias: std_dev = 0.02; break;
    case TensorRole::Conv: std_dev = 1.0 / std::sqrt(static_cast<double>(last)); break;
    case TensorRole::Sinks: std_dev = 1.0; break;
    case TensorRole::DecayBias: std_dev = 0.1; break;
    case TensorRole::DecayLog: {
      std::uniform_real_distribution<double> u(1.0, 16.0);
      for (float& v : out) v = static_cast<float>(std::log(u(rng)));
      return out;
    }
  }
  for (float& v : out) v = static_cast<float>(mean + std_dev * normal(rng));
  if (!options_.heavy_tailed) return out;

  // Outlier channels: the input channels of matrices that read the residual stream (their
  // fan_in is the row length) and the matching entries of norm weights.
  if (r.role == TensorRole::Matrix && r.fan_in == last) {
    const auto ch = outlier_channels(last);
    for (size_t row = 0; row < out.size() / static_cast<size_t>(last); ++row)
      for (int64_t c : ch) out[row * static_cast<size_t>(last) + static_cast<size_t>(c)] *= static_cast<float>(options_.outlier_scale);
  } else if ((r.role == TensorRole::Norm || r.role == TensorRole::NormOffset) && r.shape.size() == 1) {
    for (int64_t c : outlier_channels(last)) {
      float& w = out[static_cast<size_t>(c)];
      w = r.role == TensorRole::Norm ? w * static_cast<float>(options_.outlier_scale)
                                     : (1.0f + w) * static_cast<float>(options_.outlier_scale) - 1.0f;
    }
  }
  return out;
}

}  // namespace archscope
