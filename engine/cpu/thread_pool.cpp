#include "cpu/thread_pool.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace archscope::cpu {

namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

using Clock = std::chrono::steady_clock;

constexpr uint64_t kFieldMask = 0xffff;
constexpr int64_t kMaxChunks = 0xffff;

uint32_t epoch_of(uint64_t s) { return static_cast<uint32_t>(s >> 32); }
uint32_t chunks_of(uint64_t s) { return static_cast<uint32_t>((s >> 16) & kFieldMask); }
uint32_t next_of(uint64_t s) { return static_cast<uint32_t>(s & kFieldMask); }

// Waits until done() or spin_ns passed; true if done() became true. The first kPauseNs spin on
// a pause instruction (the common case: the next call or the last chunk is microseconds away);
// after that each check yields the core, so that on an oversubscribed machine (other processes'
// threads, or our own threads sharing a core) a waiting thread does not starve the one it waits
// for: a worker still holding a chunk, or the caller doing the work between two calls.
template <class Done>
bool spin_until(Done done, int64_t spin_ns) {
  constexpr int64_t kPauseNs = 5'000;
  if (spin_ns <= 0) return done();
  const auto start = Clock::now();
  const auto pause_end = start + std::chrono::nanoseconds(std::min(spin_ns, kPauseNs));
  const auto deadline = start + std::chrono::nanoseconds(spin_ns);
  for (;;) {
    for (int i = 0; i < 64; ++i) {  // read the clock only every 64 pauses
      if (done()) return true;
      cpu_relax();
    }
    if (Clock::now() >= pause_end) break;
  }
  for (;;) {
    if (done()) return true;
    std::this_thread::yield();
    if (Clock::now() >= deadline) return done();
  }
}

}  // namespace

ThreadPool::ThreadPool(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (const char* e = std::getenv("ARCHSCOPE_POOL_SPIN_US")) spin_ns_ = std::max(0L, std::atol(e)) * 1000;
  workers_.reserve(static_cast<size_t>(threads - 1));
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  stop_.store(true);
  { std::lock_guard<std::mutex> lock(mutex_); }  // a worker between its check and its wait sees stop_
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::run_one(int64_t c) {
  if (failed_.load(std::memory_order_relaxed)) return;  // an earlier chunk threw: skip the rest
  try {
    (*fn_)(bounds_[static_cast<size_t>(c)], bounds_[static_cast<size_t>(c) + 1]);
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = std::current_exception();
    failed_.store(true, std::memory_order_relaxed);
  }
}

void ThreadPool::run_chunks(uint32_t epoch) {
  uint64_t s = state_.load(std::memory_order_acquire);
  for (;;) {
    if (epoch_of(s) != epoch || next_of(s) >= chunks_of(s)) return;
    if (!state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
    const uint32_t chunks = chunks_of(s);
    run_one(next_of(s));
    // seq_cst pairs with the caller's store of caller_sleeping_ (no lost wake-up).
    if (done_.fetch_add(1) + 1 == chunks && caller_sleeping_.load()) {
      { std::lock_guard<std::mutex> lock(mutex_); }
      done_cv_.notify_one();
    }
    s = state_.load(std::memory_order_acquire);
  }
}

bool ThreadPool::wait_for_job(uint32_t seen) {
  auto ready = [&] { return stop_.load(std::memory_order_relaxed) || epoch_of(state_.load(std::memory_order_acquire)) != seen; };
  if (spin_until(ready, spin_ns_)) return !stop_.load();
  std::unique_lock<std::mutex> lock(mutex_);
  sleepers_.fetch_add(1);  // seq_cst, then the predicate's loads: pairs with parallel_for's publish
  wake_.wait(lock, [&] { return stop_.load() || epoch_of(state_.load()) != seen; });
  sleepers_.fetch_sub(1);
  return !stop_.load();
}

void ThreadPool::worker_loop() {
  uint32_t seen = 0;
  while (wait_for_job(seen)) {
    seen = epoch_of(state_.load(std::memory_order_acquire));
    run_chunks(seen);
  }
}

void ThreadPool::parallel_for(int64_t n, int64_t grain, RangeFn fn) {
  if (n <= 0) return;
  grain = std::max<int64_t>(1, grain);
  const int64_t t = threads();
  if (t == 1 || n <= grain) {
    fn(0, n);
    return;
  }
  // Guided chunks: each takes 1/(2t) of what is left (at least `grain`), so the first ones are
  // long contiguous stretches (prefetch-friendly weight streaming) and the last ones short, so
  // threads finish within a short chunk of each other (equal chunks of n/(4t) left up to one
  // chunk, ~6% of a decode matvec, of one thread idle at the end). Boundaries are computed
  // here, once per call, into a reused buffer; a claim is still one CAS.
  bounds_.clear();
  bounds_.push_back(0);
  for (int64_t b = 0; b < n;) {
    int64_t len = std::max(grain, (n - b + 2 * t - 1) / (2 * t));
    if (static_cast<int64_t>(bounds_.size()) >= kMaxChunks) len = n - b;  // never past the 16-bit count
    b = std::min(n, b + len);
    bounds_.push_back(b);
  }
  const uint64_t chunks = bounds_.size() - 1;
  fn_ = &fn;
  failed_.store(false, std::memory_order_relaxed);
  done_.store(0, std::memory_order_relaxed);
  const uint32_t epoch = epoch_of(state_.load(std::memory_order_relaxed)) + 1;
  // Publishes the job (release: the fields above); seq_cst, then the sleepers_ load, pairs with
  // wait_for_job: a worker either sees the new epoch or is counted and gets notified.
  state_.store(static_cast<uint64_t>(epoch) << 32 | chunks << 16);
  if (sleepers_.load() > 0) {
    { std::lock_guard<std::mutex> lock(mutex_); }
    wake_.notify_all();
  }
  run_chunks(epoch);
  auto finished = [&] { return done_.load(std::memory_order_acquire) == chunks; };
  if (!spin_until(finished, spin_ns_)) {
    std::unique_lock<std::mutex> lock(mutex_);
    caller_sleeping_.store(true);
    done_cv_.wait(lock, [&] { return done_.load() == chunks; });
    caller_sleeping_.store(false);
  }
  fn_ = nullptr;
  if (failed_.load(std::memory_order_relaxed)) {
    std::exception_ptr error;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      error = std::exchange(error_, nullptr);
    }
    std::rethrow_exception(error);
  }
}

}  // namespace archscope::cpu
