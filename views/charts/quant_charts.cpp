#include "charts/quant_charts.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace archscope::charts {

namespace {

Axis value_axis(const std::string& title, const std::vector<LineSeries>& series,
                bool log_if_positive) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const LineSeries& s : series)
    for (const Point& p : s.points) lo = std::min(lo, p.y), hi = std::max(hi, p.y);
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  if (log_if_positive && lo > 0) return log_axis(title, lo, hi, Unit::Plain);
  return linear_axis(title, std::min(lo, 0.0), hi, Unit::Plain);
}

Axis layer_axis(int64_t layers) {
  return linear_axis("layer", 0, static_cast<double>(std::max<int64_t>(layers - 1, 1)),
                     Unit::Plain);
}

}  // namespace

LineChart quant_depth_chart(const quant::EvalResult& r) {
  LineChart c;
  c.title = "Residual stream error through depth (relative L2 vs the source run)";
  for (size_t i = 0; i < r.schemes.size(); ++i) {
    LineSeries s{r.schemes[i].scheme, static_cast<int>(i), false, {}};
    for (size_t l = 0; l < r.schemes[i].layer_rel_l2.size(); ++l)
      s.points.push_back({static_cast<double>(l), r.schemes[i].layer_rel_l2[l]});
    c.series.push_back(std::move(s));
  }
  c.x = layer_axis(r.layers());
  c.y = value_axis("relative L2 error", c.series, true);
  return c;
}

LineChart quant_sqnr_chart(const quant::EvalResult& r) {
  LineChart c;
  c.title = "Weight SQNR per layer (all quantized tensors of the layer)";
  const int64_t L = r.layers();
  for (size_t i = 0; i < r.schemes.size(); ++i) {
    LineSeries s{r.schemes[i].scheme, static_cast<int>(i), false, {}};
    const std::vector<double> db = quant::layer_sqnr_db(r.schemes[i], L);
    for (size_t l = 0; l < db.size(); ++l)
      if (std::isfinite(db[l])) s.points.push_back({static_cast<double>(l), db[l]});
    c.series.push_back(std::move(s));
  }
  c.x = layer_axis(L);
  c.y = value_axis("SQNR (dB)", c.series, false);
  return c;
}

std::vector<size_t> pareto_front(const quant::EvalResult& r) {
  std::vector<size_t> front;
  for (size_t i = 0; i < r.schemes.size(); ++i) {
    const auto& a = r.schemes[i];
    bool dominated = false;
    for (size_t j = 0; j < r.schemes.size() && !dominated; ++j) {
      const auto& b = r.schemes[j];
      dominated = j != i && b.bits_per_weight <= a.bits_per_weight && b.kl_mean <= a.kl_mean &&
                  (b.bits_per_weight < a.bits_per_weight || b.kl_mean < a.kl_mean);
    }
    if (!dominated) front.push_back(i);
  }
  std::sort(front.begin(), front.end(), [&](size_t a, size_t b) {
    return r.schemes[a].bits_per_weight < r.schemes[b].bits_per_weight;
  });
  return front;
}

LineChart quant_pareto_chart(const quant::EvalResult& r) {
  LineChart c;
  c.title = "Mean logit KL against bits per weight";
  c.x_unit = Unit::Plain;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (size_t i = 0; i < r.schemes.size(); ++i) {
    const auto& s = r.schemes[i];
    c.series.push_back({s.scheme, static_cast<int>(i), false, {{s.bits_per_weight, s.kl_mean}}});
    lo = std::min(lo, s.bits_per_weight);
    hi = std::max(hi, s.bits_per_weight);
  }
  LineSeries front{"Pareto front", static_cast<int>(r.schemes.size()), true, {}};
  for (size_t i : pareto_front(r))
    front.points.push_back({r.schemes[i].bits_per_weight, r.schemes[i].kl_mean});
  if (front.points.size() > 1) c.series.push_back(std::move(front));
  if (!std::isfinite(lo)) lo = 0, hi = 16;
  c.x = linear_axis("bits per weight (scales included)", std::floor(lo) - 0.5, std::ceil(hi) + 0.5,
                    Unit::Plain);
  c.y = value_axis("mean KL(source || scheme), nats", c.series, true);
  return c;
}

}  // namespace archscope::charts
