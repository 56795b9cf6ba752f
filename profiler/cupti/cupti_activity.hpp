// The process-wide side of CUPTI: activity buffers (CUPTI's callbacks carry no user pointer, so
// what they parse goes to one shared place), the activity kinds this profiler enables, and the
// graph-node clone map from the resource callback. cupti_tracer.cpp is its only user.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "gpu/activity_join.hpp"
#include "gpu/correlation_join.hpp"

namespace archscope::prof::cupti {

struct ActivityStore {
  std::mutex mutex;
  std::vector<gpu::RawActivity> activities;
  std::vector<gpu::ExternalCorrelation> correlations;
  gpu::GraphNodeTags nodes;
  uint64_t dropped = 0;
};

ActivityStore& activity_store();

// Registers the buffer callbacks and subscribes to the graph-node-clone callback (once per
// process), enables CONCURRENT_KERNEL, MEMCPY and MEMSET and the API callbacks that tie eager
// launches to the tags pushed below (CorrelationJoin::Api: EXTERNAL_CORRELATION with RUNTIME and
// DRIVER records instead; gpu/correlation_join.hpp says which costs what). Throws
// Error(Unsupported) with CUPTI's message when it refuses (another tool holds the subscriber, no
// device, ...).
// join: how eager launches are tied to the pushed tags (gpu/correlation_join.hpp), fixed until
// stop_collection.
void start_collection(gpu::CorrelationJoin join);
// Disables the kinds and flushes; the store is cleared.
void stop_collection();
// Turns the activity kinds and the API callbacks off and on again between steps (sampled
// tracing); the graph-node map stays, and so does the subscriber unless
// ARCHSCOPE_CUPTI_PAUSE=unsubscribe. Enabling drops whatever the store holds from before.
void pause_collection();
void resume_collection();
// Delivers every completed record to the store.
void flush();

// The CUPTI ids of a graph node (cuptiGetGraphNodeId); 0 when CUPTI does not know it.
uint64_t graph_node_id(void* node);

// The tags of this thread's op window (OpWindow) and eager launch (Launch): filed under the
// correlation id of each launch, copy or memset API call made while set (in api mode: CUPTI's
// external correlation ids of kind CUSTOM0 / CUSTOM1).
void push_correlation(gpu::CorrelationKind kind, uint64_t tag);
void pop_correlation(gpu::CorrelationKind kind);

}  // namespace archscope::prof::cupti
