#include "live/roofline_points.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace archscope::views::live {

void RooflineFold::apply(const prof::Event& e) {
  const auto* b = std::get_if<prof::SpanBatch>(&e);
  if (!b) return;
  for (const prof::SpanRecord& s : b->spans) {
    if (prof::is_other(s)) continue;
    KindTotals& t = totals_[{s.phase, s.kind}];
    t.flops += static_cast<double>(s.flops);
    t.bytes += s.bytes;
    t.ns += s.duration_ns;
  }
}

charts::RooflineChart live_roofline(const RooflineFold& fold, prof::Phase phase,
                                    const HardwareProfile& hw, const std::string& weights_dtype) {
  const DType wanted = parse_dtype(weights_dtype).value_or(DType::BF16);
  DType dtype = wanted;
  try {
    dtype = effective_compute_dtype(hw, wanted);
  } catch (const std::exception& e) {
    throw std::invalid_argument(hw.name + ": " + e.what());
  }
  const double peak = hw.peak(dtype), bw = hw.memory_bandwidth;
  std::vector<charts::OpCost> measured, predicted;
  for (const auto& [key, t] : fold.totals()) {
    if (key.first != phase || t.flops <= 0 || t.bytes == 0 || t.ns <= 0)
      continue;  // no place on log axes
    measured.push_back({key.second, t.flops, t.bytes, static_cast<double>(t.ns) / 1e9});
    const double seconds =
        std::max(peak > 0 ? t.flops / peak : 0.0, bw > 0 ? static_cast<double>(t.bytes) / bw : 0.0);
    predicted.push_back({key.second, t.flops, t.bytes, seconds});
  }
  const std::string title = std::string("Roofline, ") + prof::to_string(phase) + " on " + hw.name;
  return charts::roofline_chart(title, peak, bw, to_string(dtype), measured, predicted);
}

}  // namespace archscope::views::live
