// A fixed pool of worker threads honouring the CLI's --threads. The calling thread takes part, so
// threads == 1 means no workers and everything runs inline; never more than threads - 1 workers.
//
// Dispatch is built for the decode loop, which issues a few hundred short parallel_for calls per
// token (each linear op, attention, rope...): a call publishes its job with one atomic store (an
// epoch word that also carries the chunk count and the next unclaimed chunk), workers claim
// contiguous chunks with a compare-exchange on that word, and completion is one counter. Between
// calls a worker spins (pause instruction, then yielding the core) for a bounded time, kSpinNs, before it sleeps on
// the condition variable, so back-to-back calls wake no one through the kernel; an idle pool still
// goes to sleep within kSpinNs and costs nothing. The caller waits for stragglers the same way.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace archscope::cpu {

// A non-owning reference to a callable fn(begin, end): no std::function (and no allocation) per
// call. Only valid while the callable lives, which parallel_for guarantees (it blocks).
class RangeFn {
 public:
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, RangeFn>>>
  RangeFn(F&& f)  // NOLINT(google-explicit-constructor): lambdas convert implicitly
      : obj_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* o, int64_t b, int64_t e) { (*static_cast<std::remove_reference_t<F>*>(o))(b, e); }) {}
  void operator()(int64_t begin, int64_t end) const { call_(obj_, begin, end); }

 private:
  void* obj_;
  void (*call_)(void*, int64_t, int64_t);
};

class ThreadPool {
 public:
  explicit ThreadPool(int threads);  // threads >= 1 (0 or less: hardware concurrency)
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs fn(begin, end) over [0, n) in contiguous chunks of at least `grain` items, each 1/(2t)
  // of what is left (long stretches first, short ones last), claimed dynamically so uneven rows
  // (attention) and a descheduled thread on a shared machine balance out. The calling thread runs
  // chunks too. Blocks until all chunks ran; rethrows the first exception (the remaining chunks
  // are skipped). Not reentrant: fn must not call parallel_for.
  void parallel_for(int64_t n, int64_t grain, RangeFn fn);

  // How long a worker (or the waiting caller) spins before blocking; ARCHSCOPE_POOL_SPIN_US
  // overrides it (0: block at once, the old behaviour), for measurements.
  static constexpr int64_t kSpinNs = 200'000;

 private:
  void worker_loop();
  bool wait_for_job(uint32_t seen_epoch);  // false once the pool stops
  void run_chunks(uint32_t epoch);
  void run_one(int64_t chunk_index);

  std::vector<std::thread> workers_;
  int64_t spin_ns_ = kSpinNs;

  // epoch (32 bits) | chunk count (16 bits) | next unclaimed chunk (16 bits). Claiming a chunk
  // is a CAS on the whole word, so a worker that wakes after its job finished can never claim a
  // chunk of the next job under the old epoch, and never reads the job fields unless it holds a
  // chunk (so they are stable while it reads them).
  alignas(64) std::atomic<uint64_t> state_{0};
  alignas(64) std::atomic<uint32_t> done_{0};  // chunks finished in this epoch
  // The job in flight; written by the caller before it publishes state_.
  alignas(64) const RangeFn* fn_ = nullptr;
  std::vector<int64_t> bounds_;  // chunk c is [bounds_[c], bounds_[c + 1])
  std::atomic<bool> failed_{false};

  std::atomic<bool> stop_{false};
  std::atomic<int> sleepers_{0};             // workers blocked on wake_
  std::atomic<bool> caller_sleeping_{false};  // the caller blocked on done_cv_
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_cv_;
  std::exception_ptr error_;  // guarded by mutex_
};

}  // namespace archscope::cpu
