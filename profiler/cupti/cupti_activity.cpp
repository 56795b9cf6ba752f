#include "cupti/cupti_activity.hpp"

#include <cupti.h>

#include <cstdlib>
#include <string>
#include <utility>

#include "common/error.hpp"

namespace archscope::prof::cupti {

namespace {

constexpr size_t kBufferBytes = 8 << 20;  // a decode step of bench-1b is ~300 records of < 300 B

void check(CUptiResult r, const char* what) {
  if (r == CUPTI_SUCCESS) return;
  const char* msg = nullptr;
  cuptiGetResultString(r, &msg);
  throw Error(ErrorKind::Unsupported, "--cupti",
              std::string(what) + ": " + (msg ? msg : "CUPTI error"));
}

const char* copy_name(uint8_t kind) {
  switch (kind) {
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOD:
      return "memcpy HtoD";
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOH:
      return "memcpy DtoH";
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOD:
      return "memcpy DtoD";
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOH:
      return "memcpy HtoH";
    default:
      return "memcpy";
  }
}

void parse(const CUpti_Activity* r, ActivityStore& s) {
  switch (r->kind) {
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL:
    case CUPTI_ACTIVITY_KIND_KERNEL: {
      const auto* k = reinterpret_cast<const CUpti_ActivityKernel10*>(r);
      gpu::RawActivity a;
      a.kind = ActivityKind::Kernel;
      a.name = k->name ? k->name : "";
      a.grid[0] = k->gridX, a.grid[1] = k->gridY, a.grid[2] = k->gridZ;
      a.block[0] = k->blockX, a.block[1] = k->blockY, a.block[2] = k->blockZ;
      a.registers = k->registersPerThread;
      a.shared_bytes = int64_t{k->staticSharedMemory} + k->dynamicSharedMemory;
      a.start = k->start, a.end = k->end;
      a.correlation_id = k->correlationId;
      a.graph_node_id = k->graphNodeId;
      s.activities.push_back(std::move(a));
      break;
    }
    case CUPTI_ACTIVITY_KIND_MEMCPY: {
      const auto* m = reinterpret_cast<const CUpti_ActivityMemcpy6*>(r);
      gpu::RawActivity a;
      a.kind = ActivityKind::Memcpy;
      a.name = copy_name(m->copyKind);
      a.start = m->start, a.end = m->end;
      a.bytes = m->bytes;
      a.correlation_id = m->correlationId;
      a.graph_node_id = m->graphNodeId;
      s.activities.push_back(std::move(a));
      break;
    }
    case CUPTI_ACTIVITY_KIND_MEMSET: {
      const auto* m = reinterpret_cast<const CUpti_ActivityMemset4*>(r);
      gpu::RawActivity a;
      a.kind = ActivityKind::Memset;
      a.name = "memset";
      a.start = m->start, a.end = m->end;
      a.bytes = m->bytes;
      a.correlation_id = m->correlationId;
      a.graph_node_id = m->graphNodeId;
      s.activities.push_back(std::move(a));
      break;
    }
    case CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION: {
      const auto* c = reinterpret_cast<const CUpti_ActivityExternalCorrelation*>(r);
      if (c->externalKind == CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0)
        s.correlations.push_back({c->correlationId, gpu::CorrelationKind::OpWindow, c->externalId});
      else if (c->externalKind == CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM1)
        s.correlations.push_back({c->correlationId, gpu::CorrelationKind::Launch, c->externalId});
      break;
    }
    default:
      break;
  }
}

void CUPTIAPI buffer_requested(uint8_t** buffer, size_t* size, size_t* max_records) {
  *buffer = static_cast<uint8_t*>(std::aligned_alloc(8, kBufferBytes));
  *size = *buffer ? kBufferBytes : 0;
  *max_records = 0;
}

void CUPTIAPI buffer_completed(CUcontext ctx, uint32_t stream, uint8_t* buffer, size_t /*size*/,
                               size_t valid) {
  ActivityStore& s = activity_store();
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    CUpti_Activity* r = nullptr;
    while (cuptiActivityGetNextRecord(buffer, valid, &r) == CUPTI_SUCCESS) parse(r, s);
    size_t dropped = 0;
    if (cuptiActivityGetNumDroppedRecords(ctx, stream, &dropped) == CUPTI_SUCCESS)
      s.dropped += dropped;
  }
  std::free(buffer);
}

// How eager launches are tied to their op (gpu/correlation_join.hpp; docs/profiling.md, "What
// tracing costs on CUDA"). Callbacks: CUPTI calls back on entry to the launch, copy and memset
// functions of the driver and runtime APIs only, and the callback files the call's correlation id
// under the tags the host has pushed; no API activity records. Api: CUPTI's external correlation
// records, which it writes only beside API activity records, so RUNTIME and DRIVER records of
// every API call are enabled and dropped. Set by start_collection, for the tracer's lifetime.
using Correlation = gpu::CorrelationJoin;
Correlation g_join = Correlation::Callbacks;
Correlation correlation_mode() {
  return g_join;
}
// Between sampled steps: also unsubscribe from CUPTI's callbacks
// (ARCHSCOPE_CUPTI_PAUSE=unsubscribe), to measure what a subscriber costs the steps that record
// nothing.
bool unsubscribe_on_pause() {
  static const bool u = [] {
    const char* e = std::getenv("ARCHSCOPE_CUPTI_PAUSE");
    return e && std::string(e) == "unsubscribe";
  }();
  return u;
}

// The tags pushed on this thread (callback mode): the op window's and the eager launch's, each
// with whether one is pushed (a launch's tag 0 still says "outside every op").
struct PushedTags {
  uint64_t window = 0, launch = 0;
  int windows = 0, launches = 0;
};
thread_local PushedTags t_tags;

// The API functions whose calls enqueue device work: launches (not graph launches: graph nodes
// are joined through their node ids), copies and memsets, by CUPTI's own names.
bool enqueues_work(const char* name) {
  if (!name) return false;
  const std::string n(name);
  for (const char* p :
       {"cuLaunch", "cuMemcpy", "cuMemset", "cudaLaunch", "cudaMemcpy", "cudaMemset"})
    if (n.rfind(p, 0) == 0) return true;
  return false;
}

std::vector<std::pair<CUpti_CallbackDomain, CUpti_CallbackId>>& work_callbacks() {
  static std::vector<std::pair<CUpti_CallbackDomain, CUpti_CallbackId>> ids = [] {
    std::vector<std::pair<CUpti_CallbackDomain, CUpti_CallbackId>> v;
    for (uint32_t id = 1; id < CUPTI_DRIVER_TRACE_CBID_SIZE; ++id) {
      const char* name = nullptr;
      if (cuptiGetCallbackName(CUPTI_CB_DOMAIN_DRIVER_API, id, &name) == CUPTI_SUCCESS &&
          enqueues_work(name))
        v.emplace_back(CUPTI_CB_DOMAIN_DRIVER_API, id);
    }
    for (uint32_t id = 1; id < CUPTI_RUNTIME_TRACE_CBID_SIZE; ++id) {
      const char* name = nullptr;
      if (cuptiGetCallbackName(CUPTI_CB_DOMAIN_RUNTIME_API, id, &name) == CUPTI_SUCCESS &&
          enqueues_work(name))
        v.emplace_back(CUPTI_CB_DOMAIN_RUNTIME_API, id);
    }
    return v;
  }();
  return ids;
}

void on_api_enter(const CUpti_CallbackData* cb) {
  if (cb->callbackSite != CUPTI_API_ENTER) return;
  const PushedTags& t = t_tags;
  if (t.windows == 0 && t.launches == 0) return;
  ActivityStore& s = activity_store();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (t.windows > 0)
    s.correlations.push_back({cb->correlationId, gpu::CorrelationKind::OpWindow, t.window});
  if (t.launches > 0)
    s.correlations.push_back({cb->correlationId, gpu::CorrelationKind::Launch, t.launch});
}

// Instantiation clones every node of a graph; kernels of the executable graph report the clone's
// id, so remember what each clone was cloned from.
void CUPTIAPI on_callback(void* /*user*/, CUpti_CallbackDomain domain, CUpti_CallbackId id,
                          const void* data) {
  if (domain == CUPTI_CB_DOMAIN_DRIVER_API || domain == CUPTI_CB_DOMAIN_RUNTIME_API) {
    on_api_enter(static_cast<const CUpti_CallbackData*>(data));
    return;
  }
  if (domain != CUPTI_CB_DOMAIN_RESOURCE || id != CUPTI_CBID_RESOURCE_GRAPHNODE_CLONED) return;
  const auto* rd = static_cast<const CUpti_ResourceData*>(data);
  const auto* g = static_cast<const CUpti_GraphData*>(rd->resourceDescriptor);
  uint64_t clone = 0, original = 0;
  if (cuptiGetGraphNodeId(g->node, &clone) != CUPTI_SUCCESS ||
      cuptiGetGraphNodeId(g->originalNode, &original) != CUPTI_SUCCESS)
    return;
  ActivityStore& s = activity_store();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.nodes.clone_of[clone] = original;
}

constexpr CUpti_ActivityKind kDeviceKinds[] = {
    CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, CUPTI_ACTIVITY_KIND_MEMCPY, CUPTI_ACTIVITY_KIND_MEMSET};
// Api mode only: see Correlation above (measured on the H200 before: without API records every
// kernel of an eager run was unattributed, while graph-launched ones, joined through their node
// ids, all were).
constexpr CUpti_ActivityKind kApiKinds[] = {CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION,
                                            CUPTI_ACTIVITY_KIND_RUNTIME,
                                            CUPTI_ACTIVITY_KIND_DRIVER};

bool g_registered = false;
CUpti_SubscriberHandle g_subscriber = nullptr;

void subscribe() {
  check(cuptiSubscribe(&g_subscriber, on_callback, nullptr), "cuptiSubscribe");
  check(cuptiEnableCallback(1, g_subscriber, CUPTI_CB_DOMAIN_RESOURCE,
                            CUPTI_CBID_RESOURCE_GRAPHNODE_CLONED),
        "cuptiEnableCallback(GRAPHNODE_CLONED)");
}

// A function CUPTI names but refuses to call back on (a retired entry point) is skipped; none
// accepted at all would leave every eager launch unattributed, so that is CUPTI's refusal.
void work_callbacks_on(bool on) {
  if (correlation_mode() != Correlation::Callbacks || !g_subscriber) return;
  CUptiResult last = CUPTI_SUCCESS;
  size_t accepted = 0;
  for (const auto& [domain, id] : work_callbacks()) {
    const CUptiResult r = cuptiEnableCallback(on ? 1 : 0, g_subscriber, domain, id);
    if (r == CUPTI_SUCCESS)
      ++accepted;
    else
      last = r;
  }
  if (on && accepted == 0)
    check(last == CUPTI_SUCCESS ? CUPTI_ERROR_UNKNOWN : last, "cuptiEnableCallback(API)");
}

void enable_kinds() {
  for (CUpti_ActivityKind k : kDeviceKinds) check(cuptiActivityEnable(k), "cuptiActivityEnable");
  if (correlation_mode() == Correlation::Api)
    for (CUpti_ActivityKind k : kApiKinds) check(cuptiActivityEnable(k), "cuptiActivityEnable");
  work_callbacks_on(true);
}

void disable_kinds() {
  work_callbacks_on(false);
  for (CUpti_ActivityKind k : kDeviceKinds) cuptiActivityDisable(k);
  if (correlation_mode() == Correlation::Api)
    for (CUpti_ActivityKind k : kApiKinds) cuptiActivityDisable(k);
}

CUpti_ExternalCorrelationKind cupti_kind(gpu::CorrelationKind k) {
  return k == gpu::CorrelationKind::Launch ? CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM1
                                           : CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0;
}

}  // namespace

ActivityStore& activity_store() {
  static ActivityStore s;
  return s;
}

void start_collection(gpu::CorrelationJoin join) {
  g_join = join;
  if (!g_registered) {
    check(cuptiActivityRegisterCallbacks(buffer_requested, buffer_completed),
          "cuptiActivityRegisterCallbacks");
    g_registered = true;
  }
  if (!g_subscriber) subscribe();
  enable_kinds();
}

void stop_collection() {
  disable_kinds();
  cuptiActivityFlushAll(1);
  ActivityStore& s = activity_store();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.activities.clear();
  s.correlations.clear();
  s.nodes.node_tag.clear();  // clones stay: executable graphs outlive a tracer
  s.dropped = 0;
}

void pause_collection() {
  disable_kinds();
  if (unsubscribe_on_pause() && g_subscriber) {
    cuptiUnsubscribe(g_subscriber);
    g_subscriber = nullptr;
  }
}

void resume_collection() {
  cuptiActivityFlushAll(1);
  {
    ActivityStore& s = activity_store();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.activities.clear();
    s.correlations.clear();
  }
  if (!g_subscriber) subscribe();
  enable_kinds();
}

void flush() {
  check(cuptiActivityFlushAll(0), "cuptiActivityFlushAll");
}

uint64_t graph_node_id(void* node) {
  uint64_t id = 0;
  if (cuptiGetGraphNodeId(static_cast<CUgraphNode>(node), &id) != CUPTI_SUCCESS) return 0;
  return id;
}

void push_correlation(gpu::CorrelationKind kind, uint64_t tag) {
  if (correlation_mode() == Correlation::Api) {
    cuptiActivityPushExternalCorrelationId(cupti_kind(kind), tag);
    return;
  }
  PushedTags& t = t_tags;
  if (kind == gpu::CorrelationKind::Launch) {
    t.launch = tag;
    ++t.launches;
  } else {
    t.window = tag;
    ++t.windows;
  }
}

void pop_correlation(gpu::CorrelationKind kind) {
  if (correlation_mode() == Correlation::Api) {
    uint64_t id = 0;
    cuptiActivityPopExternalCorrelationId(cupti_kind(kind), &id);
    return;
  }
  // Neither kind nests in practice (one op window, one launch at a time): a pop clears the tag.
  PushedTags& t = t_tags;
  if (kind == gpu::CorrelationKind::Launch) {
    if (t.launches > 0 && --t.launches == 0) t.launch = 0;
  } else if (t.windows > 0 && --t.windows == 0) {
    t.window = 0;
  }
}

}  // namespace archscope::prof::cupti
