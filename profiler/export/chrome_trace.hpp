// The run as a Chrome trace-event file (JSON object form), which Perfetto (ui.perfetto.dev) and
// chrome://tracing open directly. Format: "Trace Event Format" (Google, docs.google.com/document/
// d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU).
//
//   {"traceEvents": [...], "displayTimeUnit": "ms", "otherData": {run fields, as strings}}
//
// Process 1 is the run. Its tracks (tid): 0 "steps" (one "X" event per prefill/decode step),
// then one per layer in execution order: 1 "prologue" (layer -1), 2 + i "layer i", and
// "epilogue" (layer n_layers, read from the run's config_json; without it the last track is just
// "layer n"). Op spans are "X" complete events with cat = op kind, ts / dur in microseconds
// (doubles, so nanosecond spans survive), args {step, phase, layer, op, flops, bytes,
// gflop_per_s, gb_per_s}. "M" events name the process and tracks and fix their order; "C"
// counter events at the end of each step plot KV-cache bytes ("kv_cache": used, allocated;
// "kv_used_by_kind": one series per cache kind). Runs traced with CUPTI add the track "GPU
// (kernels, copies)" below the op tracks: one "X" event per kernel / memcpy / memset (name = the
// demangled kernel name, cat = kind, args {step, layer, op, kind, grid, block, registers,
// shared_bytes} or {..., bytes}), and a "device_memory" counter at each step's end. Events of a
// track are in ts order.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>

#include "export/run_data.hpp"

namespace archscope::prof {

// Throws Error(Validation, "spans[i]" / "steps[i]") for a negative duration or start.
nlohmann::json chrome_trace(const RunData& data);
void write_chrome_trace(std::ostream& out, const RunData& data);

}  // namespace archscope::prof
