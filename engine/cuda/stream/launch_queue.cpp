#include "cuda/stream/launch_queue.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "common/error.hpp"

namespace archscope::cuda {

namespace {

[[noreturn]] void fail(const char* what, cudaError_t e) {
  throw Error(ErrorKind::Internal, "cuda.launch", std::string(what) + ": " + cudaGetErrorString(e));
}
void check(const char* what, cudaError_t e) {
  if (e != cudaSuccess) fail(what, e);
}

bool same_params(const LaunchRecord& a, const LaunchRecord& b) {
  switch (a.kind) {
    case LaunchRecord::Kind::Kernel:
      return a.func == b.func && a.grid.x == b.grid.x && a.grid.y == b.grid.y &&
             a.grid.z == b.grid.z && a.block.x == b.block.x && a.block.y == b.block.y &&
             a.block.z == b.block.z && a.smem == b.smem && a.param_bytes == b.param_bytes &&
             std::memcmp(a.params, b.params, a.param_bytes) == 0;
    case LaunchRecord::Kind::Copy:
      return a.dst == b.dst && a.src == b.src && a.bytes == b.bytes && a.copy_kind == b.copy_kind;
    case LaunchRecord::Kind::Event:
      return a.event == b.event;
  }
  return false;
}

size_t kernel_count(const LaunchRecord* r, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) k += r[i].kind == LaunchRecord::Kind::Kernel;
  return k;
}

cudaKernelNodeParams node_params(const LaunchRecord& r, void** args) {
  cudaKernelNodeParams p{};
  p.func = const_cast<void*>(r.func);
  p.gridDim = r.grid;
  p.blockDim = r.block;
  p.sharedMemBytes = r.smem;
  args[0] = const_cast<unsigned char*>(r.params);
  p.kernelParams = args;
  p.extra = nullptr;
  return p;
}

}  // namespace

size_t LaunchQueue::segment_cap() {
  const char* v = std::getenv("ARCHSCOPE_QUEUE_SEGMENT");
  const long n = v ? std::strtol(v, nullptr, 10) : 0;
  return n >= static_cast<long>(kFirstSegment) && n <= static_cast<long>(kSegment)
             ? static_cast<size_t>(n)
             : kSegment;
}

LaunchQueue::LaunchQueue(cudaStream_t stream, QueueOptions options)
    : stream_(stream), options_(options), pending_(kSegment) {}

LaunchQueue::~LaunchQueue() {
  for (auto& [key, g] : graphs_) destroy(*g);
}

void LaunchQueue::destroy(Graph& g) {
  if (g.exec) cudaGraphExecDestroy(g.exec);  // freed once an in-flight launch completes
  if (g.graph) cudaGraphDestroy(g.graph);
  g.exec = nullptr;
  g.graph = nullptr;
}

LaunchRecord& LaunchQueue::next() {
  LaunchRecord& r = pending_[count_];
  r.tag = tag_;
  return r;
}

void LaunchQueue::set_observer(LaunchObserver* o) {
  observer_ = o;
  if (!o) return;
  for (auto& [key, g] : graphs_)
    for (size_t i = 0; i < g->nodes.size(); ++i) o->graph_node(g->nodes[i], g->last[i].tag);
}

void LaunchQueue::pushed() {
  ++count_;
  ++stats_.records;
  if (!options_.graphs) {
    launch_eager(pending_.data(), count_);
    count_ = 0;
    return;
  }
  if (count_ >= segment_limit()) launch_segment();
}

size_t LaunchQueue::segment_limit() const {
  // The ramp (g-decode) and the tracer's first segment (set_first_segment) together: a tracer
  // that asks for a full first segment gets it even under an ARCHSCOPE_QUEUE_SEGMENT cap.
  static const size_t env_cap = segment_cap();
  const size_t cap = std::max(env_cap, first_segment_);
  return segment_ < 8 ? std::min(cap, first_segment_ << segment_) : cap;
}

void LaunchQueue::copy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind) {
  if (bytes == 0) return;
  LaunchRecord& r = next();
  r.kind = LaunchRecord::Kind::Copy;
  r.dst = dst;
  r.src = src;
  r.bytes = bytes;
  r.copy_kind = kind;
  pushed();
}

void LaunchQueue::event(cudaEvent_t e) {
  LaunchRecord& r = next();
  r.kind = LaunchRecord::Kind::Event;
  r.event = e;
  pushed();
}

void LaunchQueue::flush() {
  if (count_ > 0) launch_segment();
}

void LaunchQueue::step_boundary() {
  flush();
  segment_ = 0;
}

void LaunchQueue::launch_eager(const LaunchRecord* r, size_t n) {
  bool& prev_kernel = prev_kernel_;
  for (size_t i = 0; i < n; ++i) {
    const LaunchRecord& x = r[i];
    if (observer_) observer_->launching(x.tag);
    switch (x.kind) {
      case LaunchRecord::Kind::Kernel: {
        cudaLaunchConfig_t cfg{};
        cfg.gridDim = x.grid;
        cfg.blockDim = x.block;
        cfg.dynamicSmemBytes = x.smem;
        cfg.stream = stream_;
        cudaLaunchAttribute attr[1];
        if (options_.pdl && prev_kernel) {
          attr[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
          attr[0].val.programmaticStreamSerializationAllowed = 1;
          cfg.attrs = attr;
          cfg.numAttrs = 1;
        }
        void* args[1] = {const_cast<unsigned char*>(x.params)};
        check("kernel launch", cudaLaunchKernelExC(&cfg, x.func, args));
        prev_kernel = true;
        ++stats_.eager_launches;
        break;
      }
      case LaunchRecord::Kind::Copy:
        check("cudaMemcpyAsync", cudaMemcpyAsync(x.dst, x.src, x.bytes, x.copy_kind, stream_));
        prev_kernel = false;
        break;
      case LaunchRecord::Kind::Event:
        check("cudaEventRecord", cudaEventRecord(x.event, stream_));
        prev_kernel = false;
        break;
    }
    if (observer_) observer_->launched();
  }
}

uint64_t LaunchQueue::structure_hash(const LaunchRecord* r, size_t n, uint64_t segment,
                                     uint64_t variant) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 1099511628211ull;
  };
  mix(segment);
  mix(variant);
  mix(n);
  for (size_t i = 0; i < n; ++i) {
    mix(static_cast<uint64_t>(r[i].kind));
    if (r[i].kind == LaunchRecord::Kind::Kernel) mix(reinterpret_cast<uintptr_t>(r[i].func));
    if (r[i].kind == LaunchRecord::Kind::Copy) mix(static_cast<uint64_t>(r[i].copy_kind));
  }
  return h;
}

bool LaunchQueue::same_structure(const LaunchRecord* a, const LaunchRecord* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i].kind != b[i].kind) return false;
    if (a[i].kind == LaunchRecord::Kind::Kernel && a[i].func != b[i].func) return false;
    if (a[i].kind == LaunchRecord::Kind::Copy && a[i].copy_kind != b[i].copy_kind) return false;
  }
  return true;
}

std::unique_ptr<LaunchQueue::Graph> LaunchQueue::build_graph(const LaunchRecord* r, size_t n) {
  auto g = std::make_unique<Graph>();
  g->pdl = options_.pdl;
  if (cudaGraphCreate(&g->graph, 0) != cudaSuccess) return nullptr;
  cudaGraphNode_t prev = nullptr;
  bool prev_kernel = false;
  for (size_t i = 0; i < n; ++i) {
    const LaunchRecord& x = r[i];
    cudaGraphNode_t node = nullptr;
    cudaError_t e = cudaSuccess;
    const bool programmatic = g->pdl && prev_kernel && x.kind == LaunchRecord::Kind::Kernel;
    const size_t ndeps = prev && !programmatic ? 1 : 0;
    switch (x.kind) {
      case LaunchRecord::Kind::Kernel: {
        void* args[1];
        const cudaKernelNodeParams p = node_params(x, args);
        e = cudaGraphAddKernelNode(&node, g->graph, &prev, ndeps, &p);
        break;
      }
      case LaunchRecord::Kind::Copy:
        e = cudaGraphAddMemcpyNode1D(&node, g->graph, &prev, ndeps, x.dst, x.src, x.bytes,
                                     x.copy_kind);
        break;
      case LaunchRecord::Kind::Event:
        e = cudaGraphAddEventRecordNode(&node, g->graph, &prev, ndeps, x.event);
        break;
    }
    if (e == cudaSuccess && programmatic) {
      cudaGraphEdgeData edge{};
      edge.from_port = cudaGraphKernelNodePortProgrammatic;
      edge.to_port = 0;
      edge.type = cudaGraphDependencyTypeProgrammatic;
      e = cudaGraphAddDependencies(g->graph, &prev, &node, &edge, 1);
    }
    if (e != cudaSuccess) {
      cudaGetLastError();
      destroy(*g);
      return nullptr;
    }
    g->nodes.push_back(node);
    if (observer_) observer_->graph_node(node, x.tag);
    prev = node;
    prev_kernel = x.kind == LaunchRecord::Kind::Kernel;
  }
  if (cudaGraphInstantiate(&g->exec, g->graph, 0) != cudaSuccess) {
    cudaGetLastError();
    destroy(*g);
    return nullptr;
  }
  g->last.assign(r, r + n);
  ++stats_.graphs_built;
  return g;
}

bool LaunchQueue::launch_graph(Graph& g, const LaunchRecord* r, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (r[i].tag != g.last[i].tag) {  // the same node now runs for another op
      if (observer_) observer_->graph_node(g.nodes[i], r[i].tag);
      g.last[i].tag = r[i].tag;
    }
    if (same_params(r[i], g.last[i])) continue;
    cudaError_t e = cudaSuccess;
    switch (r[i].kind) {
      case LaunchRecord::Kind::Kernel: {
        void* args[1];
        const cudaKernelNodeParams p = node_params(r[i], args);
        e = cudaGraphExecKernelNodeSetParams(g.exec, g.nodes[i], &p);
        break;
      }
      case LaunchRecord::Kind::Copy:
        e = cudaGraphExecMemcpyNodeSetParams1D(g.exec, g.nodes[i], r[i].dst, r[i].src, r[i].bytes,
                                               r[i].copy_kind);
        break;
      case LaunchRecord::Kind::Event:
        e = cudaGraphExecEventRecordNodeSetEvent(g.exec, g.nodes[i], r[i].event);
        break;
    }
    if (e != cudaSuccess) {
      cudaGetLastError();
      return false;
    }
    g.last[i] = r[i];
    ++stats_.node_updates;
  }
  check("cudaGraphLaunch", cudaGraphLaunch(g.exec, stream_));
  ++stats_.graph_launches;
  prev_kernel_ = false;
  return true;
}

void LaunchQueue::launch_segment() {
  const size_t n = count_;
  count_ = 0;
  const uint64_t segment = segment_++;
  const LaunchRecord* r = pending_.data();
  if (!options_.graphs || kernel_count(r, n) < 4) {
    launch_eager(r, n);
    return;
  }
  const uint64_t key = structure_hash(r, n, segment, variant_);
  auto it = graphs_.find(key);
  if (it != graphs_.end()) {
    Graph& g = *it->second;
    if (g.last.size() == n && g.pdl == options_.pdl && same_structure(g.last.data(), r, n) &&
        launch_graph(g, r, n))
      return;
    destroy(g);
    graphs_.erase(it);
    launch_eager(r, n);
    return;
  }
  // Build a graph for a segment the second time it is seen: one-off segments (a prefill of a
  // length never repeated) stay eager and cost no instantiation.
  if (++seen_[key] < 2) {
    if (seen_.size() > 4096) seen_.clear();
    launch_eager(r, n);
    return;
  }
  if (graphs_.size() >= 1024) {
    for (auto& [k, g] : graphs_) destroy(*g);
    graphs_.clear();
  }
  std::unique_ptr<Graph> g = build_graph(r, n);
  if (!g) {
    launch_eager(r, n);
    return;
  }
  Graph& ref = *g;
  graphs_.emplace(key, std::move(g));
  check("cudaGraphLaunch", cudaGraphLaunch(ref.exec, stream_));
  ++stats_.graph_launches;
  prev_kernel_ = false;
}

}  // namespace archscope::cuda
