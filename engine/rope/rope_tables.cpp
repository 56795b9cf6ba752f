#include "rope/rope_tables.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "common/error.hpp"

namespace archscope {

namespace {

[[noreturn]] void invalid(const std::string& where, const std::string& msg) {
  throw Error(ErrorKind::Validation, "rope." + where, msg);
}

std::vector<double> default_inv_freq(double theta, int64_t dim) {
  std::vector<double> f(static_cast<size_t>(dim / 2));
  for (int64_t i = 0; i < dim / 2; ++i)
    f[static_cast<size_t>(i)] = 1.0 / std::pow(theta, static_cast<double>(2 * i) / static_cast<double>(dim));
  return f;
}

// Llama 3.1: keep high frequencies, divide low ones by factor, blend in between by wavelength.
void apply_llama3(std::vector<double>& f, const RopeScaling& s) {
  if (s.original_max_position <= 0) invalid("scaling.original_max_position", "llama3 needs the original context");
  // low == high (Llama 4 Maverick: 1 and 1) leaves no band to blend: every frequency is kept or
  // divided, as transformers' _compute_llama3_parameters does (its blend is never selected).
  if (s.high_freq_factor < s.low_freq_factor) invalid("scaling.high_freq_factor", "must not be below low_freq_factor");
  const double old_len = static_cast<double>(s.original_max_position);
  const double low_wavelen = old_len / s.low_freq_factor;
  const double high_wavelen = old_len / s.high_freq_factor;
  for (double& v : f) {
    const double wavelen = 2.0 * std::numbers::pi / v;
    if (wavelen < high_wavelen) continue;  // high frequency: unchanged
    if (wavelen > low_wavelen) {
      v /= s.factor;
      continue;
    }
    if (s.high_freq_factor == s.low_freq_factor) continue;  // wavelen == the one boundary: kept
    const double smooth = (old_len / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
    v = (1.0 - smooth) * v / s.factor + smooth * v;
  }
}

// Inverse of "dimension index -> number of rotations over the original context".
double correction_dim(double rotations, double dim, double base, double max_pos) {
  return dim * std::log(max_pos / (rotations * 2.0 * std::numbers::pi)) / (2.0 * std::log(base));
}

RopeFrequencies yarn(const Rope& rope, int64_t dim, int64_t max_position) {
  const RopeScaling& s = rope.scaling;
  RopeFrequencies out;
  if (s.attention_factor > 0.0) {
    out.attention_factor = s.attention_factor;
  } else if (s.mscale != 0.0 && s.mscale_all_dim != 0.0) {
    // DeepSeek: the ratio; the model folds mscale_all_dim^2 into its softmax scale itself.
    out.attention_factor = yarn_get_mscale(s.factor, s.mscale) / yarn_get_mscale(s.factor, s.mscale_all_dim);
  } else {
    out.attention_factor = yarn_get_mscale(s.factor);
  }
  const double beta_fast = s.beta_fast != 0.0 ? s.beta_fast : 32.0;  // transformers: `or 32`
  const double beta_slow = s.beta_slow != 0.0 ? s.beta_slow : 1.0;
  const int64_t orig = s.original_max_position > 0 ? s.original_max_position : max_position;
  if (orig <= 0) invalid("scaling.original_max_position", "yarn needs the original context length");
  const double d = static_cast<double>(dim), base = rope.theta, mp = static_cast<double>(orig);
  double low = correction_dim(beta_fast, d, base, mp);
  double high = correction_dim(beta_slow, d, base, mp);
  if (s.truncate) {
    low = std::floor(low);
    high = std::ceil(high);
  }
  low = std::max(low, 0.0);
  high = std::min(high, d - 1.0);
  if (low == high) high += 0.001;  // as transformers: avoid a zero-width ramp
  const std::vector<double> extra = default_inv_freq(base, dim);
  out.inv_freq.resize(extra.size());
  for (size_t i = 0; i < extra.size(); ++i) {
    const double ramp = std::clamp((static_cast<double>(i) - low) / (high - low), 0.0, 1.0);
    const double extrapolation = 1.0 - ramp;  // weight of the unscaled frequency
    out.inv_freq[i] = extra[i] / s.factor * (1.0 - extrapolation) + extra[i] * extrapolation;
  }
  return out;
}

}  // namespace

int64_t rope_rotary_dim(const Rope& rope, int64_t head_dim) {
  if (head_dim <= 0) invalid("head_dim", "must be positive");
  if (!(rope.partial_rotary > 0.0 && rope.partial_rotary <= 1.0))
    invalid("partial_rotary", "must be in (0, 1], is " + std::to_string(rope.partial_rotary));
  const auto dim = static_cast<int64_t>(static_cast<double>(head_dim) * rope.partial_rotary);
  if (dim < 2 || dim % 2 != 0)
    invalid("partial_rotary", "rotary dim " + std::to_string(dim) + " of head_dim " + std::to_string(head_dim) + " is not a positive even number");
  return dim;
}

double yarn_get_mscale(double scale, double mscale) {
  return scale <= 1.0 ? 1.0 : 0.1 * mscale * std::log(scale) + 1.0;
}

RopeFrequencies rope_frequencies(const Rope& rope, int64_t rot_dim, int64_t max_position) {
  if (rot_dim < 2 || rot_dim % 2 != 0) invalid("rot_dim", "must be a positive even number, is " + std::to_string(rot_dim));
  if (!(rope.theta > 1.0)) invalid("theta", "must be > 1");
  const RopeScaling& s = rope.scaling;
  if (s.kind != RopeScalingKind::None && !(s.factor > 0.0)) invalid("scaling.factor", "must be positive");
  switch (s.kind) {
    case RopeScalingKind::None:
      return {default_inv_freq(rope.theta, rot_dim), 1.0};
    case RopeScalingKind::Linear: {
      RopeFrequencies f{default_inv_freq(rope.theta, rot_dim), 1.0};
      for (double& v : f.inv_freq) v /= s.factor;
      return f;
    }
    case RopeScalingKind::Llama3: {
      RopeFrequencies f{default_inv_freq(rope.theta, rot_dim), 1.0};
      apply_llama3(f.inv_freq, s);
      return f;
    }
    case RopeScalingKind::Yarn:
      return yarn(rope, rot_dim, max_position);
  }
  throw Error(ErrorKind::Internal, "rope", "unknown scaling kind");
}

RopeTable rope_table(const Rope& rope, int64_t rot_dim, int64_t positions, int64_t max_position) {
  if (positions < 0) invalid("positions", "must not be negative");
  RopeFrequencies f = rope_frequencies(rope, rot_dim, max_position);
  RopeTable t;
  t.rot_dim = rot_dim;
  t.positions = positions;
  t.attention_factor = f.attention_factor;
  t.inv_freq = std::move(f.inv_freq);
  const int64_t half = rot_dim / 2;
  t.cos.resize(static_cast<size_t>(positions * half));
  t.sin.resize(t.cos.size());
  for (int64_t p = 0; p < positions; ++p)
    for (int64_t i = 0; i < half; ++i) {
      const double a = static_cast<double>(p) * t.inv_freq[static_cast<size_t>(i)];
      t.cos[static_cast<size_t>(p * half + i)] = static_cast<float>(std::cos(a) * t.attention_factor);
      t.sin[static_cast<size_t>(p * half + i)] = static_cast<float>(std::sin(a) * t.attention_factor);
    }
  return t;
}

}  // namespace archscope
