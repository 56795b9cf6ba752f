#include "model/random_source.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <thread>

#include "common/error.hpp"
#include "model/host_convert.hpp"

namespace archscope {

namespace {

// FNV-1a: a stable per-name seed (std::hash is not specified to be stable across builds).
uint64_t name_hash(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Values generated per parallel block: 16 Mi (64 MiB of fp32), handed to the sink in pieces.
constexpr int64_t kBlockValues = int64_t{1} << 24;
// Below this many values one thread does the work (thread start-up would cost more).
constexpr int64_t kParallelMin = int64_t{1} << 17;

// Splits [0, n) into contiguous pieces, one per hardware thread, and runs fn(begin, count) on
// each; the values do not depend on the split (each is a function of its index).
void parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn) {
  const int64_t threads =
      n < kParallelMin ? 1 : std::clamp<int64_t>(std::thread::hardware_concurrency(), 1, 64);
  if (threads == 1) {
    fn(0, n);
    return;
  }
  const int64_t per = (n + threads - 1) / threads;
  std::vector<std::thread> pool;
  for (int64_t b = per; b < n; b += per) pool.emplace_back(fn, b, std::min(per, n - b));
  fn(0, std::min(per, n));
  for (std::thread& t : pool) t.join();
}

}  // namespace

namespace random_detail {

uint64_t splitmix64_at(uint64_t key, uint64_t n) {
  uint64_t z = key + n * 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t tensor_key(uint64_t seed, const std::string& name) {
  return seed * 0x100000001b3ull ^ name_hash(name);
}

}  // namespace random_detail

std::vector<int64_t> RandomWeightSource::outlier_channels(int64_t width) const {
  if (!options_.heavy_tailed || width <= 0) return {};
  const int64_t n = std::max<int64_t>(
      1,
      static_cast<int64_t>(std::llround(options_.outlier_fraction * static_cast<double>(width))));
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

// One tensor's values: value i is a function of (seed, tensor name, i) alone (random_source.hpp
// has the formula), so any stretch is generated independently of the others, on any number of
// threads, with the same result.
class RandomWeightSource::Generator {
 public:
  Generator(const RandomWeightSource& src, const TensorRequest& r)
      : src_(src), r_(r), key_(random_detail::tensor_key(src.options_.seed, r.name)) {
    numel_ = 1;
    for (int64_t d : r.shape) numel_ *= d;
    last_ = r.shape.empty() ? 1 : r.shape.back();
    switch (r.role) {
      case TensorRole::Matrix:
      case TensorRole::Embedding:
        if (r.fan_in <= 0)
          throw Error(ErrorKind::Internal, r.name, "matrix request without fan_in");
        std_dev_ =
            r.role == TensorRole::Embedding ? 1.0 : 1.0 / std::sqrt(static_cast<double>(r.fan_in));
        break;
      case TensorRole::Norm:
        mean_ = 1.0;
        std_dev_ = 0.02;
        break;
      case TensorRole::NormOffset:
        std_dev_ = 0.02;
        break;
      case TensorRole::Bias:
        std_dev_ = 0.02;
        break;
      case TensorRole::Conv:
        std_dev_ = 1.0 / std::sqrt(static_cast<double>(last_));
        break;
      case TensorRole::Sinks:
        std_dev_ = 1.0;
        break;
      case TensorRole::DecayBias:
        std_dev_ = 0.1;
        break;
      case TensorRole::DecayLog:
        break;
    }
    // Outlier channels: the input channels of matrices that read the residual stream (their
    // fan_in is the row length) and the matching entries of norm weights.
    if (src.options_.heavy_tailed) {
      if (r.role == TensorRole::Matrix && r.fan_in == last_) {
        matrix_outliers_ = true;
        channels_ = src.outlier_channels(last_);
      } else if ((r.role == TensorRole::Norm || r.role == TensorRole::NormOffset) &&
                 r.shape.size() == 1) {
        norm_outliers_ = true;
        channels_ = src.outlier_channels(last_);
      }
    }
  }

  int64_t numel() const { return numel_; }
  int64_t row_length() const { return last_; }

  // Values [first, first + count) into out, on as many threads as pay; first and count are
  // whole rows (a 1-D norm vector: all of it).
  void fill(float* out, int64_t first, int64_t count) const {
    if (norm_outliers_ && (first != 0 || count != numel_))
      throw Error(ErrorKind::Internal, r_.name, "norm weights generated in pieces");
    parallel_for(count, [&](int64_t b, int64_t n) { fill_serial(out + b, first + b, n); });
    if (matrix_outliers_) {
      const auto scale = static_cast<float>(src_.options_.outlier_scale);
      for (int64_t row = 0; row < count / last_; ++row)
        for (int64_t c : channels_) out[row * last_ + c] *= scale;
    } else if (norm_outliers_) {
      const auto scale = static_cast<float>(src_.options_.outlier_scale);
      for (int64_t c : channels_) {
        float& w = out[c];
        w = r_.role == TensorRole::Norm ? w * scale : (1.0f + w) * scale - 1.0f;
      }
    }
  }

 private:
  static constexpr double kTwoTo53 = 9007199254740992.0;

  // Marsaglia's polar method on the pair p (values 2p and 2p + 1), from a stream of its own:
  // attempt a draws x, y uniform in [-1, 1) from outputs 2a + 1 and 2a + 2 of SplitMix64 at
  // key U(p + 1), until 0 < s = x^2 + y^2 < 1 (on average 4/pi attempts); then
  // z = x, y times sqrt(-2 ln s / s). No trigonometry: about half the time of Box-Muller.
  void pair(int64_t p, double& z0, double& z1) const {
    const uint64_t k = random_detail::splitmix64_at(key_, static_cast<uint64_t>(p) + 1);
    for (uint64_t a = 0;; ++a) {
      const double x =
          2.0 * (static_cast<double>(random_detail::splitmix64_at(k, 2 * a + 1) >> 11) / kTwoTo53) -
          1.0;
      const double y =
          2.0 * (static_cast<double>(random_detail::splitmix64_at(k, 2 * a + 2) >> 11) / kTwoTo53) -
          1.0;
      const double s = x * x + y * y;
      if (s <= 0.0 || s >= 1.0) continue;
      const double f = std::sqrt(-2.0 * std::log(s) / s);
      z0 = x * f;
      z1 = y * f;
      return;
    }
  }

  float value(double z) const { return static_cast<float>(mean_ + std_dev_ * z); }

  void fill_serial(float* out, int64_t first, int64_t count) const {
    if (r_.role == TensorRole::DecayLog) {
      for (int64_t i = 0; i < count; ++i) {
        const uint64_t a = random_detail::splitmix64_at(key_, static_cast<uint64_t>(first + i) + 1);
        out[i] =
            static_cast<float>(std::log(1.0 + 15.0 * (static_cast<double>(a >> 11) / kTwoTo53)));
      }
      return;
    }
    int64_t i = first;
    const int64_t end = first + count;
    double z0 = 0.0, z1 = 0.0;
    if (i < end && (i & 1)) {
      pair(i >> 1, z0, z1);
      *out++ = value(z1);
      ++i;
    }
    for (; i + 1 < end; i += 2) {
      pair(i >> 1, z0, z1);
      *out++ = value(z0);
      *out++ = value(z1);
    }
    if (i < end) {
      pair(i >> 1, z0, z1);
      *out++ = value(z0);
    }
  }

  const RandomWeightSource& src_;
  const TensorRequest& r_;
  uint64_t key_;
  int64_t numel_ = 1, last_ = 1;
  double std_dev_ = 1.0, mean_ = 0.0;
  bool matrix_outliers_ = false, norm_outliers_ = false;
  std::vector<int64_t> channels_;
};

std::vector<float> RandomWeightSource::read(const TensorRequest& r) {
  Generator g(*this, r);
  std::vector<float> out(static_cast<size_t>(g.numel()));
  g.fill(out.data(), 0, g.numel());
  return out;
}

namespace {

// Whole rows per piece (at most max_values unless one row is longer); a block is whole pieces.
struct Split {
  int64_t piece, block;
};
Split split_of(int64_t n, int64_t row, int64_t max_values) {
  const int64_t piece = std::min(n, std::max<int64_t>(1, max_values / row) * row);
  const int64_t block =
      std::min(n, std::max<int64_t>(1, kBlockValues / std::max<int64_t>(1, piece)) * piece);
  return {std::max<int64_t>(piece, 1), std::max<int64_t>(block, 1)};
}

}  // namespace

void RandomWeightSource::read_chunked(const TensorRequest& r, int64_t max_values,
                                      const std::function<void(const float*, int64_t)>& sink) {
  Generator g(*this, r);
  const int64_t n = g.numel(), row = std::max<int64_t>(1, g.row_length());
  if (n <= 0) return;
  const Split s = split_of(n, row, max_values);
  std::vector<float> buf(static_cast<size_t>(std::min(s.block, n)));
  for (int64_t done = 0; done < n; done += s.block) {
    const int64_t count = std::min(s.block, n - done);
    g.fill(buf.data(), done, count);
    for (int64_t k = 0; k < count; k += s.piece) sink(buf.data() + k, std::min(s.piece, count - k));
  }
}

bool RandomWeightSource::read_stored(const TensorRequest& r, Elem elem, int64_t max_values,
                                     const std::function<void(const void*, int64_t)>& sink) {
  if (elem != Elem::BF16 && elem != Elem::F16) return false;
  Generator g(*this, r);
  const int64_t n = g.numel(), row = std::max<int64_t>(1, g.row_length());
  if (n <= 0) return true;
  const Split s = split_of(n, row, max_values);
  std::vector<float> buf(static_cast<size_t>(std::min(s.block, n)));
  std::vector<uint16_t> half(buf.size());
  const bool bf16 = elem == Elem::BF16;
  for (int64_t done = 0; done < n; done += s.block) {
    const int64_t count = std::min(s.block, n - done);
    g.fill(buf.data(), done, count);
    // The rounding of the builder's fp32 path (host_convert.hpp), on every thread.
    parallel_for(count, [&](int64_t b, int64_t m) {
      for (int64_t i = b; i < b + m; ++i)
        half[static_cast<size_t>(i)] = bf16 ? model_detail::to_bf16(buf[static_cast<size_t>(i)])
                                            : model_detail::to_f16(buf[static_cast<size_t>(i)]);
    });
    for (int64_t k = 0; k < count; k += s.piece)
      sink(half.data() + k, std::min(s.piece, count - k));
  }
  return true;
}

}  // namespace archscope
