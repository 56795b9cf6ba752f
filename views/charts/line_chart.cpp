#include "charts/line_chart.hpp"

#include <algorithm>

namespace archscope::charts {

LineChart kv_memory_chart(const std::string& title, std::vector<KvSample> samples) {
  std::stable_sort(samples.begin(), samples.end(),
                   [](const KvSample& a, const KvSample& b) { return a.context_tokens < b.context_tokens; });
  LineChart chart;
  chart.title = title;
  chart.x_unit = Unit::Tokens;
  chart.y_unit = Unit::Bytes;
  // Palette slots 0 and 1 (blue, orange) would repeat op-kind colours; 10 and 1 read as a pair.
  LineSeries allocated{"allocated", 10, true, {}};
  LineSeries used{"used", 1, false, {}};
  double max_x = 0, max_y = 0;
  for (const KvSample& s : samples) {
    const double x = static_cast<double>(s.context_tokens);
    allocated.points.push_back({x, static_cast<double>(s.allocated_bytes)});
    used.points.push_back({x, static_cast<double>(s.used_bytes)});
    max_x = std::max(max_x, x);
    max_y = std::max({max_y, static_cast<double>(s.allocated_bytes), static_cast<double>(s.used_bytes)});
  }
  chart.series = {std::move(allocated), std::move(used)};
  chart.x = linear_axis("context", 0, max_x, Unit::Tokens);
  chart.y = linear_axis("KV cache", 0, max_y, Unit::Bytes);
  return chart;
}

}  // namespace archscope::charts
