// The work of one CUDA stream, recorded before it is launched. Ops append kernel launches (one
// POD parameter struct each), host-to-device copies from pinned staging and event records; the
// queue launches them in segments of up to kSegment records:
//  - eagerly (cudaLaunchKernelEx per record), the first time a segment is seen, or with graphs off;
//  - as a CUDA graph once the same segment (same position since the last synchronisation, same
//    sequence of kernels and copies) comes again: the graph of the previous step is reused and
//    only the nodes whose parameters changed (a cache length, a position-dependent grid) are
//    re-set, then the whole segment is one cudaGraphLaunch.
// So a decode step, which repeats the same launches at the same addresses (memory/device_pool.hpp
// keeps them stable), replays as a handful of graph launches with no change to the model code,
// and the host records the next segment while the device runs the current one.
//
// Kernels may be launched with programmatic dependent launch (pdl): the next kernel's blocks are
// scheduled while the current one drains; every kernel of this backend begins with
// griddep_wait() (kernels/launch.cuh), so it reads nothing before its predecessor has finished.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "cuda/stream/launch_observer.hpp"

namespace archscope::cuda {

inline constexpr size_t kMaxParamBytes = 448;

struct LaunchRecord {
  enum class Kind : uint8_t { Kernel, Copy, Event };
  Kind kind = Kind::Kernel;
  // Kernel
  const void* func = nullptr;
  dim3 grid, block;
  unsigned smem = 0;
  uint16_t param_bytes = 0;
  alignas(16) unsigned char params[kMaxParamBytes];
  // Copy (host pinned -> device, or device -> device)
  void* dst = nullptr;
  const void* src = nullptr;
  size_t bytes = 0;
  cudaMemcpyKind copy_kind = cudaMemcpyDeviceToDevice;
  // Event
  cudaEvent_t event = nullptr;
  // The queue's tag when the record was made (set_tag); only a LaunchObserver reads it.
  uint64_t tag = 0;
};

struct QueueOptions {
  bool graphs = true;  // replay repeated segments as CUDA graphs
  bool pdl = true;     // programmatic dependent launch between consecutive kernels
};

struct QueueStats {
  uint64_t records = 0, eager_launches = 0, graph_launches = 0, graphs_built = 0, node_updates = 0;
};

class LaunchQueue {
 public:
  static constexpr size_t kSegment = 256;
  // The first segment after a synchronisation is short, so the device starts on a step while the
  // host is still recording the rest of it; each next one is twice as long (16, 32, 64, 128,
  // then kSegment): the host records a record ~10x faster than the device runs one, so it keeps
  // ahead, and a decode step is 5 graphs instead of 5 of 64 records with a full drain between
  // graphs (no programmatic edge crosses a graph launch). ARCHSCOPE_QUEUE_SEGMENT=N caps the
  // length (the benchmark's experiment switch; 64 is the earlier fixed length).
  static constexpr size_t kFirstSegment = 16;
  static size_t segment_cap();

  LaunchQueue(cudaStream_t stream, QueueOptions options);
  ~LaunchQueue();
  LaunchQueue(const LaunchQueue&) = delete;
  LaunchQueue& operator=(const LaunchQueue&) = delete;

  template <class P>
  void kernel(void (*f)(P), dim3 grid, dim3 block, unsigned smem, const P& params) {
    static_assert(sizeof(P) <= kMaxParamBytes, "kernel parameter struct too large");
    static_assert(std::is_trivially_copyable_v<P>, "kernel parameters must be trivially copyable");
    if (grid.x == 0 || grid.y == 0 || grid.z == 0) return;
    LaunchRecord& r = next();
    r.kind = LaunchRecord::Kind::Kernel;
    r.func = reinterpret_cast<const void*>(f);
    r.grid = grid;
    r.block = block;
    r.smem = smem;
    r.param_bytes = static_cast<uint16_t>(sizeof(P));
    std::memcpy(r.params, &params, sizeof(P));
    pushed();
  }
  void copy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind);
  void event(cudaEvent_t e);

  // Launches everything recorded so far (the stream then holds it, in order).
  void flush();
  // Work enqueued on the stream outside the queue (a cuBLAS call): the next kernel must not
  // overlap it through programmatic dependent launch.
  void external_work() { prev_kernel_ = false; }
  // Called after the stream was synchronised: the next segment is again segment 0 of a step.
  void step_boundary();

  // Records in the first segment after a synchronisation (kFirstSegment by default, at most
  // kSegment). A tracer whose graph launches cost the host more than the device's first short
  // segment lasts (CUPTI instruments each node at launch) sets kSegment, so the device does not
  // wait for the second launch in the middle of the step.
  void set_first_segment(size_t records) {
    first_segment_ = records < 1 ? 1 : records > kSegment ? kSegment : records;
  }
  size_t first_segment() const { return first_segment_; }
  // Graphs are cached per variant (a tag mixed into each segment's key): a tool whose state at
  // instantiation shapes a graph (CUPTI instruments the kernel nodes of graphs instantiated while
  // it traces kernels, and their launches stay costly after it stops) keeps separate graphs for
  // its traced and untraced steps.
  void set_graph_variant(uint64_t v) { variant_ = v; }

  // Tags the records made from now on (launch_observer.hpp); 0: untagged.
  void set_tag(uint64_t tag) { tag_ = tag; }
  uint64_t tag() const { return tag_; }
  // Reports launches and graph nodes to `o` (nullptr: to nobody). Setting one announces the nodes
  // of the graphs built so far with the tags they hold.
  void set_observer(LaunchObserver* o);

  cudaStream_t stream() const { return stream_; }
  const QueueOptions& options() const { return options_; }
  void set_options(const QueueOptions& o) { options_ = o; }
  const QueueStats& stats() const { return stats_; }

 private:
  struct Graph {
    cudaGraph_t graph = nullptr;
    cudaGraphExec_t exec = nullptr;
    std::vector<cudaGraphNode_t> nodes;
    std::vector<LaunchRecord> last;  // parameters the exec currently holds
    bool pdl = false;
  };

  LaunchRecord& next();
  void pushed();
  void launch_segment();
  void launch_eager(const LaunchRecord* r, size_t n);
  bool launch_graph(Graph& g, const LaunchRecord* r, size_t n);
  std::unique_ptr<Graph> build_graph(const LaunchRecord* r, size_t n);
  static uint64_t structure_hash(const LaunchRecord* r, size_t n, uint64_t segment,
                                 uint64_t variant);
  size_t segment_limit() const;
  static bool same_structure(const LaunchRecord* a, const LaunchRecord* b, size_t n);
  void destroy(Graph& g);

  cudaStream_t stream_;
  QueueOptions options_;
  std::vector<LaunchRecord> pending_;
  size_t count_ = 0;
  uint64_t segment_ = 0;
  bool prev_kernel_ = false;  // the last eager launch was one of our kernels (pdl may follow)  //
                              // index of the next segment since the last step boundary
  std::unordered_map<uint64_t, std::unique_ptr<Graph>> graphs_;
  std::unordered_map<uint64_t, int> seen_;
  QueueStats stats_;
  uint64_t tag_ = 0;
  size_t first_segment_ = kFirstSegment;
  uint64_t variant_ = 0;
  LaunchObserver* observer_ = nullptr;
};

}  // namespace archscope::cuda
