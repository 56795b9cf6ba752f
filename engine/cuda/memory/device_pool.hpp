// Device memory for one CUDA backend: a caching pool over cudaMalloc'd segments. Blocks are
// handed out best-fit (smallest free block that fits, lowest address among equals), split, and
// merged with free neighbours when released, so a step that frees everything it allocated leaves
// the pool as it found it and the next identical step gets the same addresses: that is what lets
// a recorded CUDA graph replay (stream/launch_queue.hpp) without re-binding its kernels.
//
// Stream order: all work of the backend runs on its one stream, so a block released by the host
// while kernels that use it are still queued is safe to hand out again at once: its next user is
// queued behind them (the same rule as cudaMallocAsync on one stream). Segments go back to the
// driver only after a full synchronisation (release_cached) or with the pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <vector>

namespace archscope::cuda {

struct PoolStats {
  uint64_t reserved_bytes = 0;  // held in segments from cudaMalloc
  uint64_t in_use_bytes = 0;    // handed out (rounded sizes)
  uint64_t peak_in_use_bytes = 0;
  uint64_t segments = 0;
};

class DevicePool {
 public:
  // `drain` is called before cached segments are returned to the driver on an allocation
  // failure: it must make the device idle (flush queued work, synchronise).
  explicit DevicePool(std::function<void()> drain);
  ~DevicePool();
  DevicePool(const DevicePool&) = delete;
  DevicePool& operator=(const DevicePool&) = delete;

  // 256-byte aligned; bytes == 0 gives nullptr. Throws Error(Resource) when the device is full.
  void* allocate(size_t bytes);
  void release(void* p);
  // Returns every wholly free segment to the driver (the caller has synchronised).
  void release_cached();
  PoolStats stats() const;

 private:
  struct Block {
    char* ptr = nullptr;
    size_t size = 0;
    bool free = true;
    bool small = true;
    Block* prev = nullptr;  // neighbours within one segment
    Block* next = nullptr;
  };
  struct BySizeThenAddress {
    bool operator()(const Block* a, const Block* b) const {
      return a->size != b->size ? a->size < b->size : a->ptr < b->ptr;
    }
  };
  using FreeSet = std::set<Block*, BySizeThenAddress>;

  Block* new_segment(size_t size, bool small);
  void free_segments_locked();

  std::function<void()> drain_;
  mutable std::mutex mu_;
  FreeSet free_small_, free_large_;
  std::map<char*, Block*> live_;  // handed-out blocks by address
  std::vector<Block*> segments_;  // first block of each segment
  PoolStats stats_;
};

}  // namespace archscope::cuda
