// The profiler's ForwardObserver: what one step of the forward pass did, as seen from its hooks.
//  - spans: every op's start and duration on the backend clock (SegmentClock marks at each
//    before/after, so nothing but two timer calls lands inside an op);
//  - tokens per expert of each MoE layer, from the router's selection (kept as the device tensor
//    the forward pass hands over and downloaded at end_step, after the step's time window, so no
//    transfer or synchronisation lands inside a layer);
//  - the residual stream's RMS and finiteness after each layer;
//  - with op checks on, the first op whose output went non-finite, per layer and for the step
//    (CheckedBackend remembers each op's outputs; they are read back after the op ends).
// The step itself is bracketed by begin_step() / end_step(); results are read once the stream is
// synchronised, with take_step().
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gpu/gpu_tracer.hpp"
#include "model/forward.hpp"
#include "model/kernel_records.hpp"
#include "runner/checked_backend.hpp"
#include "runner/segment_clock.hpp"

namespace archscope::prof {

struct ObserverOptions {
  bool spans = true;        // time every op
  bool activations = true;  // residual RMS / finiteness after every layer
  bool op_checks = true;    // find the op where a NaN/Inf appeared (reads every op's output back)
  // With spans on: op times from the device activity this tracer joins to the ops (CUPTI kernel
  // records) instead of a timer chain, and the step's kernels and device memory recorded. Not
  // owned; nullptr: timer-chain spans, no kernel records.
  gpu::GpuTracer* tracer = nullptr;
};

struct TimedOp {
  int32_t layer = 0;
  const char* op = "";  // OpEvent names are string literals of the forward pass
  const char* also = nullptr;
  int64_t start_ns = 0;  // since the run's first step began
  int64_t duration_ns = 0;
};

struct LayerActivation {
  int32_t layer = 0;
  double rms = 0;
  bool finite = true;
};

// Where a non-finite value first appeared in a step.
struct BadSite {
  int32_t layer = 0;
  std::string op;  // empty when op checks were off
  bool nan = false;  // NaN, else only Inf
};

struct StepObservation {
  int64_t start_ns = 0;
  int64_t duration_ns = 0;
  std::vector<TimedOp> ops;
  // With spans on: the step's time on the op clock outside every op (its first to last mark,
  // minus the ops), which becomes the step's `other` span.
  int64_t outside_ops_ns = 0;
  std::map<int32_t, std::vector<int64_t>> tokens_per_expert;  // MoE layer -> counts
  std::vector<LayerActivation> activations;
  std::map<int32_t, std::string> first_bad_op;  // layer -> first op with a non-finite output
  std::optional<BadSite> first_bad;
  // With a tracer: the step's device activity (step numbers 0; the runner sets them), the kernels
  // no op launched, and the device memory after the step.
  std::vector<KernelRecord> kernels;
  int64_t unattributed_kernels = 0;
  std::optional<StepMemoryRecord> memory;
  // With a tracer: whether the step was traced (kernels and op spans recorded).
  bool traced = false;
};

class RunObserver final : public ForwardObserver {
 public:
  // experts: routed experts per MoE layer (0 for a dense model).
  RunObserver(CheckedBackend& backend, const ObserverOptions& options, int64_t experts);

  // traced: with a tracer, whether this step's device activity is collected (sampled tracing,
  // RunOptions::cupti_sample). An untraced step has no op spans and no kernel records: its time
  // is the step's alone, with nothing of the tracer's cost in it.
  void begin_step(Stream& s, bool traced = true);
  void end_step(Stream& s);
  // After end_step() and a synchronize: the step's observations; resets for the next step.
  StepObservation take_step();

  void before(Stream& s, const OpEvent& e) override;
  void after(Stream& s, const OpEvent& e) override;
  void routed(Stream& s, int64_t layer, const Tensor& expert_ids) override;
  void layer_output(Stream& s, int64_t layer, const Tensor& residual) override;

 private:
  struct Pending {
    TimedOp op;
    size_t begin = 0, end = 0;  // marks of op_clock_
  };
  void check_outputs(Stream& s, const OpEvent& e);

  CheckedBackend& backend_;
  ObserverOptions options_;
  int64_t experts_;
  SegmentClock step_clock_;  // marks at step boundaries only: exact step times
  SegmentClock op_clock_;    // marks at step boundaries and every op boundary
  size_t step_begin_mark_ = 0, step_end_mark_ = 0;
  bool traced_ = true;
  std::vector<Pending> pending_;
  std::vector<gpu::OpIdent> idents_;  // pending_'s ops, for the tracer's join
  // A MoE layer's selection: the device tensor until end_step, then its host copy.
  struct Routed {
    int32_t layer = 0;
    Tensor ids;
    std::vector<int32_t> host;
  };
  StepObservation current_;
  std::vector<Routed> routed_;
  std::vector<float> scratch_;
};

}  // namespace archscope::prof
