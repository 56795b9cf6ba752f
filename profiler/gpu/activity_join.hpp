// Device activity of one step joined to the ops that launched it, without CUDA or CUPTI: the
// collector (profiler/cupti) turns CUPTI records into these plain structs, this file decides which
// op each belongs to and where it lies on the run's clock. So the attribution rules are testable
// on any machine with canned records (tests/prof_gpu).
//
// Attribution of one activity, in this order:
//  1. launched by a CUDA graph (graph_node_id != 0): the tag the launch queue gave that graph node
//     (node_tag), looked up under the id CUPTI reports, or under the node it was cloned from at
//     instantiation (clone_of: CUPTI_CBID_RESOURCE_GRAPHNODE_CLONED). No fallback: the graph
//     launch API call itself may lie in another op's window.
//  2. else the tag of kind Launch filed under the activity's correlation id: set by the launch
//     queue around the eager launch of a record, that record's tag (0 when the record was made
//     outside every op);
//  3. else the tag of kind OpWindow, set around the whole op on the host: work an op enqueues
//     directly on the stream (cuBLASLt GEMMs, memsets).
//  The collector files the tags under the correlation id of each launch / copy / memset API call
//  (CUPTI callbacks; or CUPTI's external correlation records, ARCHSCOPE_CUPTI_CORRELATION=api);
//  4. else no op: layer kStepLayer, op "other" (the logits and expert-id readbacks).
// Tags are op ordinals in the step plus one (0: no op).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/kernel_records.hpp"

namespace archscope::prof::gpu {

enum class CorrelationKind { OpWindow, Launch };

struct RawActivity {
  ActivityKind kind = ActivityKind::Kernel;
  std::string name;  // mangled or demangled kernel name; memcpy direction for copies
  int32_t grid[3] = {0, 0, 0};
  int32_t block[3] = {0, 0, 0};
  int32_t registers = 0;
  int64_t shared_bytes = 0;     // static + dynamic
  uint64_t start = 0, end = 0;  // CUPTI clock, ns
  uint64_t bytes = 0;
  uint32_t correlation_id = 0;
  uint64_t graph_node_id = 0;
};

struct ExternalCorrelation {
  uint32_t correlation_id = 0;
  CorrelationKind kind = CorrelationKind::OpWindow;
  uint64_t tag = 0;
};

struct GraphNodeTags {
  std::unordered_map<uint64_t, uint64_t> node_tag;  // graph node id -> tag
  std::unordered_map<uint64_t, uint64_t>
      clone_of;  // instantiated node id -> node it was cloned from
};

struct OpIdent {
  int32_t layer = 0;
  std::string op;
};

// The op time of one op of the step, on the run's clock.
struct OpGpuTime {
  int64_t start_ns = 0;
  int64_t duration_ns = 0;
  int64_t activities = 0;  // kernels, copies and memsets attributed to the op
};

struct JoinedStep {
  std::vector<KernelRecord> kernels;  // in start order; step filled in
  std::vector<OpGpuTime> ops;         // one per OpIdent, in op order
  int64_t ops_total_ns = 0;           // sum of ops[].duration_ns
  int64_t unattributed_kernels = 0;   // kernels (not copies) that no op launched
};

// The tag of one activity (rules above); 0 when no op launched it.
uint64_t tag_of(const RawActivity& a,
                const std::unordered_map<uint32_t, ExternalCorrelation>& launch,
                const std::unordered_map<uint32_t, ExternalCorrelation>& window,
                const GraphNodeTags& nodes);

// Joins a step's activities. Placement: the step's earliest activity is put at step_start_ns (the
// step's begin event precedes it by the host's launch latency, which is not measured on the CUPTI
// clock) and all others keep their CUPTI offsets from it. An op's GPU time runs from its first
// activity's start to its last one's end; a start earlier than the previous op's end (programmatic
// dependent launch lets a kernel begin while its predecessor drains) is moved to that end, so op
// spans never overlap and their sum never exceeds the device's busy extent. An op without device
// work gets a zero span at the previous op's end.
JoinedStep join_step(int64_t step, std::span<const RawActivity> activities,
                     std::span<const ExternalCorrelation> correlations, const GraphNodeTags& nodes,
                     std::span<const OpIdent> ops, int64_t step_start_ns);

// Itanium C++ ABI demangling ("_Z3addPfS_" -> "add(float*, float*)"); the name itself when it is
// not a mangled name.
std::string demangle(const std::string& name);

}  // namespace archscope::prof::gpu
