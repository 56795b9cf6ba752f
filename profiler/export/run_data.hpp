// Everything recorded about one run, as the exporters take it: the run row and its record
// vectors (what the SQLite store returns for a run id, or what a live subscriber collected).
#pragma once

#include <vector>

#include "model/kernel_records.hpp"
#include "model/run_records.hpp"

namespace archscope::prof {

struct RunData {
  RunInfo run;
  std::vector<StepRecord> steps;
  std::vector<SpanRecord> spans;
  std::vector<ExpertCountRecord> expert_counts;
  std::vector<ActivationRecord> activations;
  std::vector<KernelRecord> kernels;  // CUDA runs with CUPTI on (model/kernel_records.hpp)
  std::vector<StepMemoryRecord> step_memory;
};

}  // namespace archscope::prof
