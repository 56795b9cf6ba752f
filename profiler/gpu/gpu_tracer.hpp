// Device-side tracing of a profiled run (the runner's view of profiler/cupti): the observer tags
// each op on the host (begin_op / end_op around the op's calls into the backend), and after the
// step's stream synchronisation takes the step's device activity, joined to those ops
// (activity_join.hpp), and a device-memory sample. An implementation exists where CUPTI was found
// at build time and the backend is CUDA (make_gpu_tracer); everything else runs without one.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "backend/backend.hpp"
#include "gpu/activity_join.hpp"
#include "gpu/correlation_join.hpp"

namespace archscope::prof::gpu {

class GpuTracer {
 public:
  virtual ~GpuTracer() = default;
  // tag: the op's ordinal in the step plus one.
  virtual void begin_op(uint64_t tag) = 0;
  virtual void end_op() = 0;
  // After the stream was synchronised past the step: the device activity since the previous call
  // (a warm-up step's too: call it for every step), joined to `ops`.
  virtual JoinedStep take_step(int64_t step, std::span<const OpIdent> ops,
                               int64_t step_start_ns) = 0;
  virtual StepMemoryRecord memory(int64_t step) = 0;
  // Sampled tracing: whether the steps from now on have their device activity collected (on
  // from construction). Called between steps, after a synchronisation. While off, ops are still
  // tagged (the launch queue's graphs keep their nodes' tags, so turning it on again costs no
  // node updates) but nothing is collected, and take_step is not called.
  virtual void set_collecting(bool on) { (void)on; }
  // Activity records CUPTI reported as dropped so far (its buffers were full).
  virtual uint64_t dropped() const = 0;
};

// Whether this build has the CUPTI collector, and why not.
bool cupti_compiled();
std::string cupti_absent_reason();

// A tracer for `backend` (the CUDA backend, possibly behind the profiler's CheckedBackend), or
// Error(Unsupported) saying why there is none (no CUPTI in this build, not a CUDA backend, CUPTI
// refused to start), joining eager launches to their ops by `join` (correlation_join.hpp). One
// tracer at a time per process (CUPTI's activity buffers are global).
std::unique_ptr<GpuTracer> make_gpu_tracer(Backend& backend, CorrelationJoin join);

}  // namespace archscope::prof::gpu
