// Turns one step's observations into run records: spans with the plan's FLOPs and bytes of that
// step, the StepRecord with its KV-cache sample, expert counts and activation statistics.
#pragma once

#include <cstdint>
#include <vector>

#include "kv/paged_kv_cache.hpp"
#include "model/run_records.hpp"
#include "runner/run_observer.hpp"
#include "runner/step_costs.hpp"

namespace archscope::prof {

struct StepRecords {
  StepRecord step;
  std::vector<SpanRecord> spans;
  std::vector<ExpertCountRecord> expert_counts;
  std::vector<ActivationRecord> activations;
};

struct StepMeta {
  int64_t step = 0;  // 0: prefill, 1...: decode
  Phase phase = Phase::Prefill;
  int64_t tokens = 0;          // tokens processed, all sequences
  int64_t context_tokens = 0;  // cached per sequence after the step (longest)
};

// The KV sample: allocated and used bytes in total and used bytes per layer kind present.
void sample_kv(const KvAccounting& kv, StepRecord& into);

StepRecords step_records(const StepMeta& meta, const StepObservation& obs, const StepCosts& costs,
                         const KvAccounting& kv);

}  // namespace archscope::prof
