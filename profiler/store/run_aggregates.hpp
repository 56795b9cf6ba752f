// Run-level numbers the compare view puts side by side, computed by SQL over one run's rows.
#pragma once

#include <cstdint>
#include <string>

#include "model/run_records.hpp"

namespace archscope::prof::store {

// Time spent in one layer (-1: prologue, n_layers: epilogue) in one phase, summed over steps.
struct LayerTime {
  int32_t layer = 0;
  Phase phase = Phase::Prefill;
  int64_t total_ns = 0;
  int64_t spans = 0;
};

// Time, predicted work and span count of one op kind ("matmul", "attention", ...) in one phase.
struct KindTime {
  std::string kind;
  Phase phase = Phase::Prefill;
  int64_t total_ns = 0;
  uint64_t flops = 0;
  uint64_t bytes = 0;
  int64_t spans = 0;
};

// From the steps table: tokens processed and wall time per phase. tokens_per_s is 0 when the
// phase has no time recorded.
struct PhaseThroughput {
  int64_t steps = 0;
  int64_t tokens = 0;
  int64_t total_ns = 0;
  double tokens_per_s = 0;
};

struct RunThroughput {
  PhaseThroughput prefill;
  PhaseThroughput decode;
};

}  // namespace archscope::prof::store
