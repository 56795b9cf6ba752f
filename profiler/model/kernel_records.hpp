// Device activity of a run, as CUPTI reported it and joined to the op that launched it: one record
// per kernel, memcpy or memset of a recorded step, and one device-memory sample per step. Plain
// records like run_records.hpp: stored in the `kernels` and `step_memory` tables, exported, read
// by the report, with no CUDA or CUPTI needed to read them back.
#pragma once

#include <cstdint>
#include <string>

#include "model/run_records.hpp"

namespace archscope::prof {

enum class ActivityKind { Kernel, Memcpy, Memset };
const char* to_string(ActivityKind k);  // "kernel", "memcpy", "memset"
bool parse_activity_kind(const std::string& s, ActivityKind& out);

// Layer of an activity no op launched (the logits and expert-id readbacks after the forward pass):
// the step's `other` layer, op kOtherOp.
struct KernelRecord {
  int64_t step = 0;
  int32_t layer = kStepLayer;
  std::string op = kOtherOp;  // the plan op that launched it, or "other"
  ActivityKind kind = ActivityKind::Kernel;
  std::string name;  // demangled kernel name; memcpy: "memcpy HtoD" etc.; memset: "memset"
  int32_t grid[3] = {0, 0, 0};
  int32_t block[3] = {0, 0, 0};
  int32_t registers = 0;     // per thread
  int64_t shared_bytes = 0;  // static + dynamic per block
  int64_t start_ns = 0;      // on the run's clock (see docs/profiling.md, "GPU spans")
  int64_t duration_ns = 0;
  uint64_t bytes = 0;  // memcpy / memset bytes; 0 for kernels
};

// Device memory after a step: what the backend's allocator handed out and holds, and what the
// driver reports for the whole device (cudaMemGetInfo: every process).
struct StepMemoryRecord {
  int64_t step = 0;
  uint64_t allocator_in_use_bytes = 0;
  uint64_t allocator_reserved_bytes = 0;
  uint64_t device_used_bytes = 0;  // total - free
  uint64_t device_total_bytes = 0;
};

}  // namespace archscope::prof
