// The whole-model estimate of a layer-slice run (`--layers A:B`, engine/config/layer_range.hpp):
// the slice ran layers A..B of a model at its real width, with the model's embedding and head, so
// what it measured outside its layers (embedding, final norm, LM head, sampling, host work) is the
// whole model's, and its layers stand for the model's other layers of their class (layers doing
// identical work: engine/plan/layer_classes.hpp). Per phase:
//
//   estimate = measured step time + Σ_class (count − slice layers of the class) × class time,
//
// where a class's time is the time of its fastest slice layer: every slice layer counts once as
// measured, and each layer the slice did not run gets its class's fastest one. The layer that runs
// first in a step carries time the others do not (measured on the H200, bench-1b: +0.12 ms of
// 0.57 in prefill, and, before the launch queue's segments ramped up, +0.08 ms of 0.09 in decode:
// the device waiting for the host to record the step's second segment); with the class mean that
// one-off was counted once per layer of the class (+9.7% prefill there, +5% on llama3-8b), with
// the fastest layer it is counted once. A layer's time runs from the start of its first op to the
// start of the next layer's (or the epilogue's) first op, so the gaps between its ops count as
// the layer's. Figures are means: prefill per pass (all its chunks), decode per step. A class with
// no layer in the slice has no measured time: the estimate then names the missing classes and
// gives no whole-model figure (no made-up number).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/run_records.hpp"

namespace archscope::prof {

struct SliceClassInput {
  std::string label;
  std::vector<int64_t> layers;  // the class's layers in the whole model
};

// What one phase measured, summed over the steps (or generations) it covers.
struct SlicePhaseInput {
  int64_t units = 0;                    // prefill: passes; decode: steps
  int64_t tokens = 0;                   // tokens processed (all units)
  int64_t measured_ns = 0;              // Σ wall time of the phase's steps
  std::map<int32_t, int64_t> layer_ns;  // Σ per slice layer (layer boundary to layer boundary)
  // Units whose layers were timed (layer_ns sums over these): all of them, but the traced steps
  // of a sampled CUPTI run; 0: the same as units.
  int64_t layer_units = 0;
};

struct SliceClassEstimate {
  std::string label;
  int64_t layers_in_model = 0;
  std::vector<int64_t> measured_layers;  // the slice's layers of the class (empty: missing)
  double prefill_ms_per_layer = 0;       // per pass: the class's fastest slice layer
  double decode_ms_per_layer = 0;        // per step: the class's fastest slice layer
  double prefill_mean_ms_per_layer = 0;  // the mean over the class's slice layers
  double decode_mean_ms_per_layer = 0;
};

struct SlicePhaseEstimate {
  int64_t units = 0;
  double measured_ms = 0;        // the slice: per pass / per step
  double slice_layers_ms = 0;    // of which in the slice's layers
  double outside_layers_ms = 0;  // the rest: embedding, epilogue, host work
  // Every slice layer has a measured time (false when ops were not timed: `run --no-spans`).
  bool layers_timed = false;
  double estimate_ms = 0;  // the whole model, extrapolated (0 when incomplete or untimed)
  double estimate_tokens_per_s = 0;
  // The earlier rule, for comparison (bench --compare-full prints both): outside the slice's
  // layers + Σ_class count × the mean of the class's slice layers.
  double estimate_mean_ms = 0;
};

struct SliceEstimate {
  int64_t first = 0, last = 0;  // the slice, both included
  int64_t n_layers = 0;         // of the whole model
  std::vector<SliceClassEstimate> classes;
  std::vector<std::string> missing;  // labels of classes the slice has no layer of
  SlicePhaseEstimate prefill, decode;
  bool complete() const { return missing.empty(); }
};

// Error(Internal) when a slice layer has no class, or classes overlap.
SliceEstimate estimate_slice(int64_t first, int64_t last, int64_t n_layers,
                             const std::vector<SliceClassInput>& classes,
                             const SlicePhaseInput& prefill, const SlicePhaseInput& decode);

// A run's phases from its records: step wall times from the steps, each slice layer's time from
// the spans (first op start of the layer to the first op start of the next layer or epilogue,
// per step). Layers with no spans in a step (spans were off) leave layer_ns empty.
void slice_phase_inputs(const std::vector<StepRecord>& steps, const std::vector<SpanRecord>& spans,
                        int64_t first, int64_t last, int64_t n_layers, SlicePhaseInput& prefill,
                        SlicePhaseInput& decode);

// One step's per-layer times from the first-op starts of each layer in execution order
// (-1 the prologue, 0.., n_layers the epilogue): layer l runs to the next present layer's start.
// Layers in [first, last] whose successor is missing are left out.
std::map<int32_t, int64_t> layer_times_from_starts(const std::map<int32_t, int64_t>& first_op_start,
                                                   int64_t first, int64_t last);

}  // namespace archscope::prof
