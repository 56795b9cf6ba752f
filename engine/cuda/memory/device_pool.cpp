#include "cuda/memory/device_pool.hpp"

#include <cuda_runtime.h>

#include <string>

#include "common/error.hpp"

namespace archscope::cuda {

namespace {
constexpr size_t kAlign = 256;
constexpr size_t kSmallLimit = 1 << 20;  // requests up to 1 MiB share 2 MiB segments
constexpr size_t kSmallSegment = 2 << 20;
constexpr size_t kLargeGranule = 2 << 20;  // large segments are whole 2 MiB pages
constexpr size_t kMidSegment = 20 << 20;   // requests of 1..10 MiB share 20 MiB segments

size_t round_up(size_t n, size_t m) {
  return (n + m - 1) / m * m;
}
}  // namespace

DevicePool::DevicePool(std::function<void()> drain) : drain_(std::move(drain)) {}

DevicePool::~DevicePool() {
  for (Block* first : segments_) {
    cudaFree(first->ptr);
    for (Block* b = first; b;) {
      Block* n = b->next;
      delete b;
      b = n;
    }
  }
}

DevicePool::Block* DevicePool::new_segment(size_t size, bool small) {
  void* p = nullptr;
  cudaError_t err = cudaMalloc(&p, size);
  if (err != cudaSuccess) {
    cudaGetLastError();  // clear the sticky-free error state of the runtime
    // Give cached segments back and retry once, after the queued work that may use them ran.
    mu_.unlock();
    drain_();
    mu_.lock();
    free_segments_locked();
    err = cudaMalloc(&p, size);
    if (err != cudaSuccess) {
      cudaGetLastError();
      size_t free_b = 0, total_b = 0;
      cudaMemGetInfo(&free_b, &total_b);
      throw Error(ErrorKind::Resource, "cuda.alloc",
                  "cannot allocate " + std::to_string(size) + " bytes of device memory (" +
                      std::to_string(free_b >> 20) + " MiB free of " +
                      std::to_string(total_b >> 20) + " MiB; pool holds " +
                      std::to_string(stats_.reserved_bytes >> 20) + " MiB)");
    }
  }
  auto* b = new Block;
  b->ptr = static_cast<char*>(p);
  b->size = size;
  b->small = small;
  segments_.push_back(b);
  stats_.reserved_bytes += size;
  stats_.segments += 1;
  return b;
}

void* DevicePool::allocate(size_t bytes) {
  if (bytes == 0) return nullptr;
  const size_t size = round_up(bytes, kAlign);
  const bool small = size <= kSmallLimit;
  std::lock_guard<std::mutex> lock(mu_);
  FreeSet& set = small ? free_small_ : free_large_;
  Block key;
  key.size = size;
  key.ptr = nullptr;
  auto it = set.lower_bound(&key);
  Block* b = nullptr;
  if (it != set.end()) {
    b = *it;
    set.erase(it);
  } else {
    const size_t seg = small                ? kSmallSegment
                       : size < (10u << 20) ? kMidSegment
                                            : round_up(size, kLargeGranule);
    b = new_segment(seg, small);
  }
  // Split off the remainder when it is worth keeping (any for small blocks, >= 1 MiB for large).
  const size_t rest = b->size - size;
  if (rest >= (small ? kAlign : kSmallLimit)) {
    auto* r = new Block;
    r->ptr = b->ptr + size;
    r->size = rest;
    r->small = small;
    r->prev = b;
    r->next = b->next;
    if (b->next) b->next->prev = r;
    b->next = r;
    b->size = size;
    set.insert(r);
  }
  b->free = false;
  live_[b->ptr] = b;
  stats_.in_use_bytes += b->size;
  if (stats_.in_use_bytes > stats_.peak_in_use_bytes)
    stats_.peak_in_use_bytes = stats_.in_use_bytes;
  return b->ptr;
}

void DevicePool::release(void* p) {
  if (!p) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_.find(static_cast<char*>(p));
  if (it == live_.end()) return;  // not ours: ignore rather than corrupt the pool
  Block* b = it->second;
  live_.erase(it);
  stats_.in_use_bytes -= b->size;
  FreeSet& set = b->small ? free_small_ : free_large_;
  b->free = true;
  if (b->prev && b->prev->free) {  // merge into the previous block
    Block* pr = b->prev;
    set.erase(pr);
    pr->size += b->size;
    pr->next = b->next;
    if (b->next) b->next->prev = pr;
    delete b;
    b = pr;
  }
  if (b->next && b->next->free) {
    Block* nx = b->next;
    set.erase(nx);
    b->size += nx->size;
    b->next = nx->next;
    if (nx->next) nx->next->prev = b;
    delete nx;
  }
  set.insert(b);
}

void DevicePool::free_segments_locked() {
  std::vector<Block*> keep;
  for (Block* first : segments_) {
    if (first->free && !first->next) {
      (first->small ? free_small_ : free_large_).erase(first);
      stats_.reserved_bytes -= first->size;
      stats_.segments -= 1;
      cudaFree(first->ptr);
      delete first;
    } else {
      keep.push_back(first);
    }
  }
  segments_ = std::move(keep);
}

void DevicePool::release_cached() {
  std::lock_guard<std::mutex> lock(mu_);
  free_segments_locked();
}

PoolStats DevicePool::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace archscope::cuda
