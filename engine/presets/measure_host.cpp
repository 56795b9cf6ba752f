#include "presets/measure_host.hpp"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

namespace archscope {

namespace {

using Clock = std::chrono::steady_clock;

int thread_count(const HostMeasureOptions& o) {
  if (o.threads > 0) return o.threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

// Runs fn(t) on `threads` threads and returns the wall time of the slowest, in seconds.
template <class Fn>
double timed_parallel(int threads, Fn fn) {
  std::vector<std::thread> pool;
  auto start = Clock::now();
  for (int t = 1; t < threads; ++t) pool.emplace_back(fn, t);
  fn(0);
  for (auto& th : pool) th.join();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};
template <class T>
std::unique_ptr<T[], FreeDeleter> aligned_array(size_t n) {
  size_t bytes = (n * sizeof(T) + 63) / 64 * 64;
  return std::unique_ptr<T[], FreeDeleter>(static_cast<T*>(std::aligned_alloc(64, bytes)));
}

// ---- read bandwidth -------------------------------------------------------------------------

// 512 MiB: 16x the 32 MiB L3 of current server parts, so caches cannot serve the reads.
constexpr size_t kBandwidthBytes = size_t{512} << 20;

// Four independent accumulators keep the loads from waiting on one add chain; integer adds so the
// compiler may vectorise without reassociation licence.
uint64_t sum_slice(const uint64_t* p, size_t n) {
  uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += p[i];
    s1 += p[i + 1];
    s2 += p[i + 2];
    s3 += p[i + 3];
  }
  for (; i < n; ++i) s0 += p[i];
  return s0 + s1 + s2 + s3;
}

// ---- FP32 GEMM ------------------------------------------------------------------------------

// C (n x n) += A (n x n) * B (n x n) with A packed in MR-row panels (k-major) and B in NR-column
// panels (k-major), so the micro-kernel streams both panels contiguously and keeps an MR x NR
// tile of C in registers for the whole k loop.
constexpr int kMR = 6;
using MicroKernel = void (*)(const float* a, const float* b, float* c, int64_t ldc, int64_t k);

// 6 x 32 tile: 12 zmm accumulators + 2 B vectors + 1 broadcast, inside AVX-512's 32 registers.
__attribute__((target("avx512f"))) void kernel_avx512(const float* a, const float* b, float* c,
                                                      int64_t ldc, int64_t k) {
  __m512 acc[kMR][2];
  for (int i = 0; i < kMR; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (int64_t p = 0; p < k; ++p) {
    __m512 b0 = _mm512_load_ps(b + p * 32), b1 = _mm512_load_ps(b + p * 32 + 16);
    for (int i = 0; i < kMR; ++i) {
      __m512 av = _mm512_set1_ps(a[p * kMR + i]);
      acc[i][0] = _mm512_fmadd_ps(av, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(av, b1, acc[i][1]);
    }
  }
  for (int i = 0; i < kMR; ++i) {
    float* row = c + i * ldc;
    _mm512_storeu_ps(row, _mm512_add_ps(_mm512_loadu_ps(row), acc[i][0]));
    _mm512_storeu_ps(row + 16, _mm512_add_ps(_mm512_loadu_ps(row + 16), acc[i][1]));
  }
}

// 6 x 16 tile: 12 ymm accumulators + 2 B vectors + 1 broadcast, inside AVX2's 16 registers.
__attribute__((target("avx2,fma"))) void kernel_avx2(const float* a, const float* b, float* c,
                                                     int64_t ldc, int64_t k) {
  __m256 acc[kMR][2];
  for (int i = 0; i < kMR; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  for (int64_t p = 0; p < k; ++p) {
    __m256 b0 = _mm256_load_ps(b + p * 16), b1 = _mm256_load_ps(b + p * 16 + 8);
    for (int i = 0; i < kMR; ++i) {
      __m256 av = _mm256_set1_ps(a[p * kMR + i]);
      acc[i][0] = _mm256_fmadd_ps(av, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(av, b1, acc[i][1]);
    }
  }
  for (int i = 0; i < kMR; ++i) {
    float* row = c + i * ldc;
    _mm256_storeu_ps(row, _mm256_add_ps(_mm256_loadu_ps(row), acc[i][0]));
    _mm256_storeu_ps(row + 8, _mm256_add_ps(_mm256_loadu_ps(row + 8), acc[i][1]));
  }
}

// Baseline x86-64 (SSE2): same 6 x 16 tile, left to the compiler's vectoriser.
void kernel_generic(const float* a, const float* b, float* c, int64_t ldc, int64_t k) {
  float acc[kMR][16] = {};
  for (int64_t p = 0; p < k; ++p)
    for (int i = 0; i < kMR; ++i)
      for (int j = 0; j < 16; ++j) acc[i][j] += a[p * kMR + i] * b[p * 16 + j];
  for (int i = 0; i < kMR; ++i)
    for (int j = 0; j < 16; ++j) c[i * ldc + j] += acc[i][j];
}

struct KernelChoice {
  MicroKernel fn;
  int nr;
};

KernelChoice pick_kernel() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return {kernel_avx512, 32};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return {kernel_avx2, 16};
  return {kernel_generic, 16};
}

}  // namespace

HostDescription describe_host() {
  HostDescription d;
  d.cpu_model = "unknown";
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) d.cpu_model = line.substr(line.find_first_not_of(" \t", colon + 1));
      break;
    }
  }
  d.logical_cpus = static_cast<int>(std::thread::hardware_concurrency());
  return d;
}

double measure_read_bandwidth(const HostMeasureOptions& options) {
  const int threads = thread_count(options);
  const size_t words = kBandwidthBytes / sizeof(uint64_t);
  auto buf = aligned_array<uint64_t>(words);
  const size_t per = words / threads;
  // First touch by the reading thread puts each slice on that thread's NUMA node.
  timed_parallel(threads, [&](int t) {
    uint64_t* p = buf.get() + t * per;
    for (size_t i = 0; i < per; ++i) p[i] = i ^ t;
  });
  std::vector<uint64_t> sinks(threads);
  double best = 1e30, spent = 0;
  while (spent < options.min_seconds || best == 1e30) {
    double s = timed_parallel(threads, [&](int t) { sinks[t] += sum_slice(buf.get() + t * per, per); });
    best = std::min(best, s);
    spent += s;
  }
  // The sums feed a volatile store so the reads cannot be optimised away.
  volatile uint64_t keep = 0;
  for (uint64_t s : sinks) keep = keep + s;
  return static_cast<double>(per * threads * sizeof(uint64_t)) / best / 1e9;
}

double measure_fp32_gemm_peak(const HostMeasureOptions& options) {
  const int threads = thread_count(options);
  const KernelChoice kc = pick_kernel();
  // 6 * 32 * 4 = 768 divides both tile sizes; A (2.25 MiB) and B stay in L2/L3, as in a blocked
  // GEMM, while each B panel (k x NR) is reused by every row panel of A.
  constexpr int64_t n = 768;
  auto ap = aligned_array<float>(n * n), bp = aligned_array<float>(n * n);
  auto c = aligned_array<float>(n * n);
  for (int64_t i = 0; i < n * n; ++i) {
    ap[i] = static_cast<float>((i % 7) - 3) * 0.01f;  // small values: no overflow, no denormals
    bp[i] = static_cast<float>((i % 5) - 2) * 0.01f;
  }
  const int64_t col_panels = n / kc.nr, row_panels = n / kMR;
  double best = 1e30, spent = 0;
  while (spent < options.min_seconds || best == 1e30) {
    std::memset(c.get(), 0, sizeof(float) * n * n);
    double s = timed_parallel(threads, [&](int t) {
      for (int64_t jp = t; jp < col_panels; jp += threads)
        for (int64_t ip = 0; ip < row_panels; ++ip)
          kc.fn(ap.get() + ip * kMR * n, bp.get() + jp * kc.nr * n, c.get() + ip * kMR * n + jp * kc.nr,
                n, n);
    });
    best = std::min(best, s);
    spent += s;
  }
  volatile float keep = c[n * n / 2];
  (void)keep;
  return 2.0 * n * n * n / best / 1e12;
}

}  // namespace archscope

#ifdef ARCHSCOPE_MEASURE_HOST_MAIN
// Stand-alone driver until `archscope bench` exists; never defined in the library build:
//   g++ -std=c++20 -O3 -DARCHSCOPE_MEASURE_HOST_MAIN -Iengine engine/presets/measure_host.cpp
//       -pthread -o /tmp/measure_host && /tmp/measure_host
#include <cstdio>
int main() {
  auto host = archscope::describe_host();
  archscope::HostMeasureOptions o;
  o.min_seconds = 2.0;
  double bw = archscope::measure_read_bandwidth(o);
  double tf = archscope::measure_fp32_gemm_peak(o);
  std::printf("cpu: %s\nlogical cpus: %d\nread bandwidth: %.1f GB/s\nfp32 gemm: %.4f TFLOP/s\n",
              host.cpu_model.c_str(), host.logical_cpus, bw, tf);
  return 0;
}
#endif
