#include "metrics/span_rate.hpp"

namespace archscope::prof {

SpanRate rate(uint64_t flops, uint64_t bytes, int64_t duration_ns) {
  if (duration_ns <= 0) return {};
  // FLOP per nanosecond is GFLOP per second; likewise bytes/ns is GB/s.
  const double ns = static_cast<double>(duration_ns);
  return {static_cast<double>(flops) / ns, static_cast<double>(bytes) / ns};
}

}  // namespace archscope::prof
