// The process-wide side of CUPTI: activity buffers (CUPTI's callbacks carry no user pointer, so
// what they parse goes to one shared place), the activity kinds this profiler enables, and the
// graph-node clone map from the resource callback. cupti_tracer.cpp is its only user.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "gpu/activity_join.hpp"

namespace archscope::prof::cupti {

struct ActivityStore {
  std::mutex mutex;
  std::vector<gpu::RawActivity> activities;
  std::vector<gpu::ExternalCorrelation> correlations;
  gpu::GraphNodeTags nodes;
  uint64_t dropped = 0;
};

ActivityStore& activity_store();

// Registers the buffer callbacks and the graph-node-clone callback (once per process) and enables
// CONCURRENT_KERNEL, MEMCPY, MEMSET and EXTERNAL_CORRELATION. Throws Error(Unsupported) with
// CUPTI's message when it refuses (another tool holds the subscriber, no device, ...).
void start_collection();
// Disables the kinds and flushes; the store is cleared.
void stop_collection();
// Turns the activity kinds off and on again between steps (sampled tracing); the callbacks and
// the graph-node map stay. Enabling drops whatever the store holds from before.
void pause_collection();
void resume_collection();
// Delivers every completed record to the store.
void flush();

// The CUPTI ids of a graph node (cuptiGetGraphNodeId); 0 when CUPTI does not know it.
uint64_t graph_node_id(void* node);

// External correlation ids (CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0 / CUSTOM1).
void push_correlation(gpu::CorrelationKind kind, uint64_t tag);
void pop_correlation(gpu::CorrelationKind kind);

}  // namespace archscope::prof::cupti
