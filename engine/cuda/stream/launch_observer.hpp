// What a tool (the profiler's CUPTI collector) learns from the launch queue, without the engine
// knowing the tool: every record carries the tag that was current when an op recorded it
// (LaunchQueue::set_tag), and the queue reports where that tag went on the device:
//  - an eager launch (kernel, copy, event record) is bracketed by launching(tag) / launched(), on
//    the thread that makes the CUDA call, so the tool can attach the tag to that API call (CUPTI
//    external correlation ids);
//  - a graph node is announced with its tag when it is created, and again whenever a replay of the
//    same graph carries a different tag at that node (graph_node), so kernels that a graph launch
//    runs can be traced back to the op that recorded them (CUPTI graph node ids).
// Tag 0 means "no tag". The queue calls none of this while no observer is set.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace archscope::cuda {

class LaunchObserver {
 public:
  virtual ~LaunchObserver() = default;
  virtual void launching(uint64_t tag) = 0;
  virtual void launched() = 0;
  virtual void graph_node(cudaGraphNode_t node, uint64_t tag) = 0;
};

}  // namespace archscope::cuda
