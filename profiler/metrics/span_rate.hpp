// Achieved throughput of one executed op: the plan's predicted FLOPs and bytes over the measured
// duration. These are "useful work" rates of an ideal kernel (plan counting conventions), not
// hardware counters, so comparing them with a roofline's peaks shows how far a kernel is from it.
#pragma once

#include <cstdint>

#include "model/run_records.hpp"

namespace archscope::prof {

struct SpanRate {
  double gflop_per_s = 0;  // 1e9 FLOP/s
  double gb_per_s = 0;     // 1e9 bytes/s
};

// A zero or negative duration (a span below the clock's resolution) gives 0 for both: no rate
// can be measured, and an infinite one would poison sums and JSON.
SpanRate rate(uint64_t flops, uint64_t bytes, int64_t duration_ns);
inline SpanRate span_rate(const SpanRecord& s) {
  return rate(s.flops, s.bytes, s.duration_ns);
}

}  // namespace archscope::prof
