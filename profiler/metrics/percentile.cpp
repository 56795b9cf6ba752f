#include "metrics/percentile.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"

namespace archscope::prof {

double percentile(std::vector<double> sample, double p) {
  if (!(p >= 0 && p <= 1)) throw Error(ErrorKind::Validation, "percentile", "p must lie in [0, 1]");
  if (sample.empty()) return 0;
  std::sort(sample.begin(), sample.end());
  const double h = p * static_cast<double>(sample.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, sample.size() - 1);
  return sample[lo] + (h - static_cast<double>(lo)) * (sample[hi] - sample[lo]);
}

}  // namespace archscope::prof
