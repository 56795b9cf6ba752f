// y = x . W^T (+ b). Two paths:
// - Weight-streaming kernel (all dtypes, and fp32 with few rows): rows of W are split over the
//   threads; each row is read once and dotted, widened in registers, with up to four token rows at
//   a time. No fp32 copy of bf16/fp16 weights is made, so decode is bound by weight bandwidth.
// - OpenBLAS sgemm for fp32 weights with many token rows (prefill), where a blocked GEMM wins.
//   Checked against the float64 reference in tests/backend_cpu/test_linear.cpp.
#include <cblas.h>

#include <algorithm>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/simd/kernels.hpp"

namespace archscope::cpu {

namespace {
constexpr int64_t kBlasMinRows = 16;  // below this the weight-streaming kernel is as fast or faster
}

void CpuBackend::linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& out) {
  const char* op = "linear";
  check_stream(*this, s, op);
  const float* xp = in_f32(x, op, "x");
  check_float(w, op, "w");
  require(x.rank() == 2 && w.rank() == 2, op, "x and w must be 2-D");
  const int64_t T = x.dim(0), K = x.dim(1), N = w.dim(0);
  require(w.dim(1) == K, op, "w " + shape_string(w.shape()) + " does not match x " + shape_string(x.shape()));
  float* yp = out_f32(out, op, "out");
  check_shape(out, {T, N}, op, "out");
  const float* bp = nullptr;
  if (bias.defined()) {
    bp = in_f32(bias, op, "bias");
    check_shape(bias, {N}, op, "bias");
  }
  require(out.buffer() != x.buffer() || out.byte_offset() >= x.byte_offset() + x.bytes() ||
              x.byte_offset() >= out.byte_offset() + out.bytes(),
          op, "out must not overlap x");
  if (T == 0 || N == 0) return;

  if (w.elem() == Elem::F32 && T >= kBlasMinRows) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(T), static_cast<int>(N),
                static_cast<int>(K), 1.0f, xp, static_cast<int>(K), static_cast<const float*>(raw(w)),
                static_cast<int>(K), 0.0f, yp, static_cast<int>(N));
    if (bp)
      pool_.parallel_for(T, 1, [&](int64_t b, int64_t e) {
        for (int64_t t = b; t < e; ++t)
          for (int64_t n = 0; n < N; ++n) yp[t * N + n] += bp[n];
      });
    return;
  }

  const char* wbase = static_cast<const char*>(raw(w));
  const size_t row_bytes = static_cast<size_t>(K) * static_cast<size_t>(elem_bits(w.elem()) / 8);
  const Elem we = w.elem();
  // Chunks of >= 8 rows keep each thread on a contiguous stretch of W (prefetch-friendly).
  pool_.parallel_for(N, 8, [&](int64_t nb, int64_t ne) {
    const float* xs[4];
    float r[4];
    for (int64_t n = nb; n < ne; ++n) {
      const void* wrow = wbase + static_cast<size_t>(n) * row_bytes;
      const float bn = bp ? bp[n] : 0.0f;
      for (int64_t t0 = 0; t0 < T; t0 += 4) {
        const int g = static_cast<int>(std::min<int64_t>(4, T - t0));
        for (int j = 0; j < g; ++j) xs[j] = xp + (t0 + j) * K;
        dot_rows(wrow, we, xs, g, static_cast<size_t>(K), r);
        for (int j = 0; j < g; ++j) yp[(t0 + j) * N + n] = r[j] + bn;
      }
    }
  });
}

}  // namespace archscope::cpu
