#include "presets/blas_gemm.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace archscope {

namespace {

// CBLAS enums (cblas.h): CblasRowMajor = 101, CblasNoTrans = 111.
using Sgemm = void (*)(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                       const float* a, int lda, const float* b, int ldb, float beta, float* c,
                       int ldc);
using SetThreads = void (*)(int);

}  // namespace

BlasGemmRate measure_openblas_sgemm(int threads, double min_seconds) {
  BlasGemmRate r;
  void* lib = nullptr;
  for (const char* name : {"libopenblas.so.0", "libopenblas.so"}) {
    lib = ::dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib) {
      r.library = name;
      break;
    }
  }
  if (!lib) {
    r.reason = "libopenblas.so.0 not found (Debian: apt-get install libopenblas0-pthread)";
    return r;
  }
  const auto sgemm = reinterpret_cast<Sgemm>(::dlsym(lib, "cblas_sgemm"));
  const auto set_threads = reinterpret_cast<SetThreads>(::dlsym(lib, "openblas_set_num_threads"));
  if (!sgemm) {
    r.reason = r.library + " has no cblas_sgemm";
    ::dlclose(lib);
    return r;
  }
  if (set_threads) set_threads(std::max(1, threads));
  // The kernel set OpenBLAS picked for this CPU: a release older than the CPU falls back to an
  // older core's kernels (Debian 12's 0.3.21 predates Zen 5), which the figure then reflects.
  using CoreName = char* (*)();
  if (const auto core = reinterpret_cast<CoreName>(::dlsym(lib, "openblas_get_corename")))
    if (const char* name = core()) r.library += std::string(", core ") + name;
  // 1536: 9 MiB per matrix, past the L2 of one core, so OpenBLAS's own blocking is exercised as in
  // a prefill GEMM; the first call (thread start-up, page faults) is not timed.
  constexpr int n = 1536;
  std::vector<float> a(size_t{n} * n), b(size_t{n} * n), c(size_t{n} * n);
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = static_cast<float>(static_cast<int>(i % 7) - 3) * 0.01f;
    b[i] = static_cast<float>(static_cast<int>(i % 5) - 2) * 0.01f;
  }
  const auto call = [&] {
    sgemm(101, 111, 111, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
  };
  call();
  double best = 1e30, spent = 0;
  while (spent < min_seconds || best == 1e30) {
    const auto t0 = std::chrono::steady_clock::now();
    call();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, s);
    spent += s;
  }
  r.available = true;
  r.tflops = 2.0 * n * n * n / best / 1e12;
  // Left loaded: OpenBLAS's worker threads do not survive an unload cleanly.
  return r;
}

}  // namespace archscope
