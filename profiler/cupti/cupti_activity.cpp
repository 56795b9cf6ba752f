#include "cupti/cupti_activity.hpp"

#include <cupti.h>

#include <cstdlib>
#include <string>

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

// Instantiation clones every node of a graph; kernels of the executable graph report the clone's
// id, so remember what each clone was cloned from.
void CUPTIAPI on_resource(void* /*user*/, CUpti_CallbackDomain domain, CUpti_CallbackId id,
                          const void* data) {
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

// CUPTI writes an EXTERNAL_CORRELATION record only next to a runtime or driver API record (one per
// correlation kind on the stack), so API records are enabled too and dropped when parsed: without
// them no eager launch can be joined to its op (measured on the H200: every kernel of an eager run
// was unattributed, while graph-launched ones, joined through their node ids, all were).
constexpr CUpti_ActivityKind kKinds[] = {CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL,
                                         CUPTI_ACTIVITY_KIND_MEMCPY,
                                         CUPTI_ACTIVITY_KIND_MEMSET,
                                         CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION,
                                         CUPTI_ACTIVITY_KIND_RUNTIME,
                                         CUPTI_ACTIVITY_KIND_DRIVER};

bool g_registered = false;
CUpti_SubscriberHandle g_subscriber = nullptr;

CUpti_ExternalCorrelationKind cupti_kind(gpu::CorrelationKind k) {
  return k == gpu::CorrelationKind::Launch ? CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM1
                                           : CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0;
}

}  // namespace

ActivityStore& activity_store() {
  static ActivityStore s;
  return s;
}

void start_collection() {
  if (!g_registered) {
    check(cuptiActivityRegisterCallbacks(buffer_requested, buffer_completed),
          "cuptiActivityRegisterCallbacks");
    check(cuptiSubscribe(&g_subscriber, on_resource, nullptr), "cuptiSubscribe");
    check(cuptiEnableCallback(1, g_subscriber, CUPTI_CB_DOMAIN_RESOURCE,
                              CUPTI_CBID_RESOURCE_GRAPHNODE_CLONED),
          "cuptiEnableCallback(GRAPHNODE_CLONED)");
    g_registered = true;
  }
  for (CUpti_ActivityKind k : kKinds) check(cuptiActivityEnable(k), "cuptiActivityEnable");
}

void stop_collection() {
  for (CUpti_ActivityKind k : kKinds) cuptiActivityDisable(k);
  cuptiActivityFlushAll(1);
  ActivityStore& s = activity_store();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.activities.clear();
  s.correlations.clear();
  s.nodes.node_tag.clear();  // clones stay: executable graphs outlive a tracer
  s.dropped = 0;
}

void pause_collection() {
  for (CUpti_ActivityKind k : kKinds) cuptiActivityDisable(k);
}

void resume_collection() {
  cuptiActivityFlushAll(1);
  {
    ActivityStore& s = activity_store();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.activities.clear();
    s.correlations.clear();
  }
  for (CUpti_ActivityKind k : kKinds) check(cuptiActivityEnable(k), "cuptiActivityEnable");
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
  cuptiActivityPushExternalCorrelationId(cupti_kind(kind), tag);
}

void pop_correlation(gpu::CorrelationKind kind) {
  uint64_t id = 0;
  cuptiActivityPopExternalCorrelationId(cupti_kind(kind), &id);
}

}  // namespace archscope::prof::cupti
