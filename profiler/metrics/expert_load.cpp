#include "metrics/expert_load.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "common/error.hpp"

namespace archscope::prof {

namespace {

void check_counts(std::span<const int64_t> counts, const std::string& where) {
  if (counts.empty()) throw Error(ErrorKind::Validation, where, "no experts");
  for (size_t i = 0; i < counts.size(); ++i)
    if (counts[i] < 0)
      throw Error(
          ErrorKind::Validation, where,
          "negative count " + std::to_string(counts[i]) + " for expert " + std::to_string(i));
}

// Everything but capacity and drops.
ExpertLoadStats distribution_stats(std::span<const int64_t> counts) {
  ExpertLoadStats s;
  s.experts = static_cast<int64_t>(counts.size());
  for (int64_t n : counts) {
    s.assignments += n;
    s.max_load = std::max(s.max_load, n);
  }
  if (s.assignments == 0) return s;  // the documented no-token convention
  const double E = static_cast<double>(s.experts);
  const double N = static_cast<double>(s.assignments);
  s.mean_load = N / E;
  double var = 0, h = 0;
  for (int64_t n : counts) {
    const double d = static_cast<double>(n) - s.mean_load;
    var += d * d;
    if (n > 0) {
      const double p = static_cast<double>(n) / N;
      h -= p * std::log(p);
    }
  }
  s.cv = std::sqrt(var / E) / s.mean_load;
  s.normalized_entropy = s.experts > 1 ? h / std::log(E) : 1.0;
  return s;
}

}  // namespace

int64_t expert_capacity(double capacity_factor, int64_t assignments, int64_t experts) {
  if (!(capacity_factor > 0) || !std::isfinite(capacity_factor))
    throw Error(ErrorKind::Validation, "capacity_factor", "must be a positive number");
  if (experts < 1) throw Error(ErrorKind::Validation, "experts", "must be at least 1");
  if (assignments < 0) throw Error(ErrorKind::Validation, "assignments", "must not be negative");
  const double x =
      capacity_factor * static_cast<double>(assignments) / static_cast<double>(experts);
  // A value within rounding noise of an integer is that integer; anything else rounds up.
  const double nearest = std::round(x);
  if (std::fabs(x - nearest) <= 1e-9 * std::max(1.0, x)) return static_cast<int64_t>(nearest);
  return static_cast<int64_t>(std::ceil(x));
}

int64_t dropped_over_capacity(std::span<const int64_t> tokens_per_expert, int64_t capacity) {
  int64_t dropped = 0;
  for (int64_t n : tokens_per_expert) dropped += std::max<int64_t>(0, n - capacity);
  return dropped;
}

ExpertLoadStats expert_load(std::span<const int64_t> tokens_per_expert, double capacity_factor) {
  check_counts(tokens_per_expert, "tokens_per_expert");
  if (capacity_factor < 0 || !std::isfinite(capacity_factor))
    throw Error(ErrorKind::Validation, "capacity_factor", "must be 0 (off) or positive");
  ExpertLoadStats s = distribution_stats(tokens_per_expert);
  s.capacity_factor = capacity_factor;
  if (capacity_factor > 0) {
    s.capacity = expert_capacity(capacity_factor, s.assignments, s.experts);
    s.dropped = dropped_over_capacity(tokens_per_expert, s.capacity);
  }
  return s;
}

std::vector<StepExpertLoad> expert_load_per_step(const std::vector<ExpertCountRecord>& records,
                                                 double capacity_factor) {
  std::vector<StepExpertLoad> out;
  out.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const ExpertCountRecord& r = records[i];
    try {
      out.push_back({r.step, r.layer, expert_load(r.tokens_per_expert, capacity_factor)});
    } catch (const Error& e) {
      throw e.within("expert_counts[" + std::to_string(i) + "]");
    }
  }
  return out;
}

std::vector<CumulativeExpertLoad> expert_load_cumulative(
    const std::vector<ExpertCountRecord>& records, double capacity_factor) {
  std::map<int32_t, CumulativeExpertLoad> by_layer;
  int64_t i = 0;
  for (const StepExpertLoad& step : expert_load_per_step(records, capacity_factor)) {
    const std::vector<int64_t>& counts = records[i].tokens_per_expert;
    CumulativeExpertLoad& c = by_layer[step.layer];
    if (c.steps == 0) {
      c.layer = step.layer;
      c.tokens_per_expert.assign(counts.size(), 0);
    } else if (c.tokens_per_expert.size() != counts.size()) {
      throw Error(ErrorKind::Validation, "expert_counts[" + std::to_string(i) + "]",
                  "layer " + std::to_string(step.layer) + " has " + std::to_string(counts.size()) +
                      " experts here and " + std::to_string(c.tokens_per_expert.size()) +
                      " before");
    }
    for (size_t e = 0; e < counts.size(); ++e) c.tokens_per_expert[e] += counts[e];
    c.stats.dropped += step.stats.dropped;
    ++c.steps;
    ++i;
  }
  std::vector<CumulativeExpertLoad> out;
  out.reserve(by_layer.size());
  for (auto& [layer, c] : by_layer) {
    const int64_t dropped = c.stats.dropped;
    c.stats = distribution_stats(c.tokens_per_expert);
    c.stats.capacity_factor = capacity_factor;
    c.stats.dropped = dropped;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace archscope::prof
