// The FP32 GEMM rate of the system's OpenBLAS (Debian's libopenblas0), loaded at run time: a
// ceiling for the prefill figure that none of archscope's kernels take part in. Loaded with
// dlopen, so archscope neither links nor needs it: without it the figure is absent, not guessed.
#pragma once

#include <string>

namespace archscope {

struct BlasGemmRate {
  bool available = false;
  std::string library;  // the file dlopen found and OpenBLAS's core: "libopenblas.so.0, core Zen"
  std::string reason;   // why it is not available
  double tflops = 0;    // 2 n^3 / best time, n = 1536, best of repeats over min_seconds
};

// cblas_sgemm of square row-major n x n matrices on `threads` threads (openblas_set_num_threads).
BlasGemmRate measure_openblas_sgemm(int threads, double min_seconds);

}  // namespace archscope
