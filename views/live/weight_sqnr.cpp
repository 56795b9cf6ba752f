#include "live/weight_sqnr.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace archscope::views::live {

double sqnr_db(double signal, double noise) {
  if (noise == 0)
    return signal == 0 ? std::numeric_limits<double>::quiet_NaN()
                       : std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal / noise);
}

WeightSqnrView weight_sqnr(const prof::WeightsQuantized& q) {
  WeightSqnrView v;
  v.scheme = q.scheme;
  v.bits_per_weight = q.bits_per_weight;
  v.tensors = static_cast<int64_t>(q.tensors.size());
  std::map<int64_t, LayerSqnr> by_layer;
  for (const prof::QuantizedTensorRecord& t : q.tensors) {
    if (t.layer < 0) continue;
    LayerSqnr& l = by_layer[t.layer];
    l.layer = t.layer;
    const double db = sqnr_db(t.signal, t.noise);
    // NaN (an all-zero tensor) never counts as the worst.
    if (!std::isnan(db) && (l.worst_tensor.empty() || db < l.worst_sqnr_db)) {
      l.worst_tensor = t.name;
      l.worst_sqnr_db = db;
    }
    ++l.tensors;
    l.elements += t.elements;
    l.signal += t.signal;
    l.noise += t.noise;
  }
  bool any = false;
  for (auto& [layer, l] : by_layer) {
    l.sqnr_db = sqnr_db(l.signal, l.noise);
    if (std::isfinite(l.sqnr_db)) {
      v.min_db = any ? std::min(v.min_db, l.sqnr_db) : l.sqnr_db;
      v.max_db = any ? std::max(v.max_db, l.sqnr_db) : l.sqnr_db;
      any = true;
    }
    v.layers.push_back(std::move(l));
  }
  return v;
}

}  // namespace archscope::views::live
