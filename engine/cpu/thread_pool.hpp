// A fixed pool of worker threads honouring the CLI's --threads. The calling thread takes part, so
// threads == 1 means no workers and everything runs inline.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace archscope::cpu {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);  // threads >= 1 (0 or less: hardware concurrency)
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs fn(begin, end) over [0, n) in chunks of at least `grain` items, handed out dynamically
  // (attention rows cost unequal time). Blocks until all chunks ran; rethrows the first exception.
  // Not reentrant: fn must not call parallel_for.
  void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

 private:
  void worker_loop();
  void run_chunks();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  uint64_t generation_ = 0;
  int busy_ = 0;
  bool stop_ = false;
  // The job in flight.
  const std::function<void(int64_t, int64_t)>* fn_ = nullptr;
  int64_t n_ = 0;
  int64_t chunk_ = 1;
  int64_t next_ = 0;  // guarded by mutex_; chunks are coarse, so a lock per chunk is cheap
  std::exception_ptr error_;
};

}  // namespace archscope::cpu
