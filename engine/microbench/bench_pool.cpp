// Microbenchmark of ThreadPool dispatch (not part of ctest):
//   bench_pool [--threads 2] [--calls 20000] [--rounds 5]
// Per round and pattern, the per-call time of parallel_for over 4 * threads items of empty work,
// best / median / worst of --rounds rounds of --calls calls, and the process CPU time per wall
// second (getrusage) so that spinning shows. Patterns:
//   back-to-back  calls with nothing in between (the dispatch floor);
//   gap-20us      20 us of caller-only work between calls (decode: small ops between matmuls);
//   gap-2ms       2 ms between calls (past the spin window: workers are asleep each time).
//   work-*        as gap-20us, but every item busy-waits 2 us (16 us of work per call with 2
//                 threads, 8 us ideal): the time over 2 us x items / threads is dispatch cost, and
//                 "caller-only" is the share of calls whose chunks all ran on the calling thread.
// ARCHSCOPE_POOL_SPIN_US sets the spin window (0 = block at once, as the old pool did).
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "cpu/thread_pool.hpp"

using namespace archscope;
using Clock = std::chrono::steady_clock;

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

void busy_for(std::chrono::nanoseconds d) {
  const auto end = Clock::now() + d;
  while (Clock::now() < end) {
  }
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2, calls = 20000, rounds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--threads") threads = std::atoi(argv[i + 1]);
    else if (a == "--calls") calls = std::atoi(argv[i + 1]);
    else if (a == "--rounds") rounds = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  cpu::ThreadPool pool(threads);
  const int64_t n = 4 * threads;
  std::atomic<int64_t> sink{0};
  struct Pattern {
    const char* name;
    std::chrono::nanoseconds gap;
    int calls_div;
    std::chrono::nanoseconds item_work{0};
  };
  const Pattern patterns[] = {{"back-to-back", std::chrono::nanoseconds(0), 1},
                              {"gap-20us", std::chrono::microseconds(20), 4},
                              {"gap-2ms", std::chrono::milliseconds(2), 100},
                              {"work-gap-20us", std::chrono::microseconds(20), 10, std::chrono::microseconds(2)},
                              {"work-gap-2ms", std::chrono::milliseconds(2), 100, std::chrono::microseconds(2)}};
  std::printf("threads %d, %lld items per call\n", threads, static_cast<long long>(n));
  for (const Pattern& p : patterns) {
    const int c = std::max(10, calls / p.calls_div);
    std::vector<double> us;
    double cpu_share = 0;
    int64_t caller_only = 0, total_calls = 0;
    const auto me = std::this_thread::get_id();
    for (int r = 0; r < rounds; ++r) {
      double dispatch = 0;
      const double cpu0 = cpu_seconds();
      const auto w0 = Clock::now();
      for (int i = 0; i < c; ++i) {
        if (p.gap.count()) busy_for(p.gap);
        const auto t0 = Clock::now();
        std::atomic<bool> helped{false};
        pool.parallel_for(n, 1, [&](int64_t b, int64_t e) {
          if (p.item_work.count()) {
            busy_for(p.item_work * (e - b));
            if (std::this_thread::get_id() != me) helped.store(true, std::memory_order_relaxed);
          }
          sink.fetch_add(e - b, std::memory_order_relaxed);
        });
        caller_only += !helped.load();
        ++total_calls;
        dispatch += std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
      }
      const double wall = std::chrono::duration<double>(Clock::now() - w0).count();
      cpu_share = std::max(cpu_share, (cpu_seconds() - cpu0) / wall);
      us.push_back(dispatch / c);
    }
    std::sort(us.begin(), us.end());
    std::printf("%-13s us/call best %8.3f  median %8.3f  worst %8.3f   (cpu/wall up to %.2f, %d calls x %d rounds)",
                p.name, us.front(), us[us.size() / 2], us.back(), cpu_share, c, rounds);
    if (p.item_work.count())
      std::printf("  ideal %.1f, caller-only %.0f%%",
                  std::chrono::duration<double, std::micro>(p.item_work).count() * static_cast<double>(n) / threads,
                  100.0 * static_cast<double>(caller_only) / static_cast<double>(total_calls));
    std::printf("\n");
  }
  return 0;
}
