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

// One tensor's values in row-major order, produced a stretch at a time by next(); the RNG and
// distribution state carry over between stretches, so any split gives the same values as one
// call for the whole tensor.
class RandomWeightSource::Generator {
 public:
  Generator(const RandomWeightSource& src, const TensorRequest& r)
      : src_(src), r_(r), rng_(src.options_.seed * 0x100000001b3ull ^ name_hash(r.name)), normal_(0.0, 1.0) {
    numel_ = 1;
    for (int64_t d : r.shape) numel_ *= d;
    last_ = r.shape.empty() ? 1 : r.shape.back();
    switch (r.role) {
      case TensorRole::Matrix:
      case TensorRole::Embedding:
        if (r.fan_in <= 0) throw Error(ErrorKind::Internal, r.name, "matrix request without fan_in");
        std_dev_ = r.role == TensorRole::Embedding ? 1.0 : 1.0 / std::sqrt(static_cast<double>(r.fan_in));
        break;
      case TensorRole::Norm: mean_ = 1.0; std_dev_ = 0.02; break;
      case TensorRole::NormOffset: std_dev_ = 0.02; break;
      case TensorRole::Bias: std_dev_ = 0.02; break;
      case TensorRole::Conv: std_dev_ = 1.0 / std::sqrt(static_cast<double>(last_)); break;
      case TensorRole::Sinks: std_dev_ = 1.0; break;
      case TensorRole::DecayBias: std_dev_ = 0.1; break;
      case TensorRole::DecayLog: break;
    }
    // Outlier channels: the input channels of matrices that read the residual stream (their
    // fan_in is the row length) and the matching entries of norm weights.
    if (src.options_.heavy_tailed) {
      if (r.role == TensorRole::Matrix && r.fan_in == last_) {
        matrix_outliers_ = true;
        channels_ = src.outlier_channels(last_);
      } else if ((r.role == TensorRole::Norm || r.role == TensorRole::NormOffset) && r.shape.size() == 1) {
        norm_outliers_ = true;
        channels_ = src.outlier_channels(last_);
      }
    }
  }

  int64_t numel() const { return numel_; }
  int64_t row_length() const { return last_; }

  // The next `count` values; count is whole rows (a 1-D norm vector: all of it).
  void next(float* out, int64_t count) {
    if (r_.role == TensorRole::DecayLog) {
      std::uniform_real_distribution<double> u(1.0, 16.0);  // stateless between calls
      for (int64_t i = 0; i < count; ++i) out[i] = static_cast<float>(std::log(u(rng_)));
      done_ += count;
      return;
    }
    for (int64_t i = 0; i < count; ++i) out[i] = static_cast<float>(mean_ + std_dev_ * normal_(rng_));
    if (matrix_outliers_) {
      const auto scale = static_cast<float>(src_.options_.outlier_scale);
      for (int64_t row = 0; row < count / last_; ++row)
        for (int64_t c : channels_) out[row * last_ + c] *= scale;
    } else if (norm_outliers_) {
      if (done_ != 0 || count != numel_) throw Error(ErrorKind::Internal, r_.name, "norm weights generated in pieces");
      const auto scale = static_cast<float>(src_.options_.outlier_scale);
      for (int64_t c : channels_) {
        float& w = out[c];
        w = r_.role == TensorRole::Norm ? w * scale : (1.0f + w) * scale - 1.0f;
      }
    }
    done_ += count;
  }

 private:
  const RandomWeightSource& src_;
  const TensorRequest& r_;
  std::mt19937_64 rng_;
  std::normal_distribution<double> normal_;
  int64_t numel_ = 1, last_ = 1, done_ = 0;
  double std_dev_ = 1.0, mean_ = 0.0;
  bool matrix_outliers_ = false, norm_outliers_ = false;
  std::vector<int64_t> channels_;
};

std::vector<float> RandomWeightSource::read(const TensorRequest& r) {
  Generator g(*this, r);
  std::vector<float> out(static_cast<size_t>(g.numel()));
  g.next(out.data(), g.numel());
  return out;
}

void RandomWeightSource::read_chunked(const TensorRequest& r, int64_t max_values,
                                      const std::function<void(const float*, int64_t)>& sink) {
  Generator g(*this, r);
  const int64_t n = g.numel(), row = std::max<int64_t>(1, g.row_length());
  // Whole rows per chunk; a 1-D tensor (one row) comes in one piece.
  const int64_t chunk = std::min(n, std::max<int64_t>(1, max_values / row) * row);
  std::vector<float> buf(static_cast<size_t>(std::max<int64_t>(chunk, 0)));
  for (int64_t done = 0; done < n; done += chunk) {
    const int64_t count = std::min(chunk, n - done);
    g.next(buf.data(), count);
    sink(buf.data(), count);
  }
}

}  // namespace archscope
