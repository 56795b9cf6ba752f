// y = x . W^T (+ b). Two paths, both splitting the output columns (rows of W) over the pool:
// - Weight streaming (decode, T < kGemmMinRows): each thread reads its own stretch of W once,
//   four weight rows at a time against up to four token rows (dot_rows_multi), widening
//   bf16/fp16 in registers. No copy of W is made, so decode is bound by weight bandwidth.
// - Blocked GEMM (prefill): each thread takes panels of kPanelRows rows of W; bf16/fp16 panels
//   are widened kPanelCols columns at a time into a per-thread fp32 scratch (bounded, reused: no
//   fp32 copy of the weights) and multiplied with single-threaded OpenBLAS sgemm, accumulating
//   over the column blocks. fp32 weights go to sgemm in place. OpenBLAS runs one thread per call
//   inside our pool threads, so the two never oversubscribe the cores.
// Checked against the float64 reference in tests/backend_cpu/test_linear.cpp.
#include <cblas.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "common/error.hpp"
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/simd/kernels.hpp"

namespace archscope::cpu {

namespace {

// TUNING (temporary env knobs)
int64_t knob(const char* n, int64_t d) { const char* v = std::getenv(n); return v ? std::atoll(v) : d; }
const int64_t kGemmMinRows = knob("LIN_MINROWS", 16);   // below this the weight-streaming kernel wins
const int64_t kPanelRows = knob("LIN_PR", 256);    // rows of W per GEMM panel (a thread's unit of work)
const int64_t kPanelCols = knob("LIN_PC", 2048);   // columns of W widened per sgemm call: <= 2 MiB scratch
const int64_t kStreamRowsEnv = knob("LIN_NW", 0);     // weight rows per pass of the streaming kernel
const int64_t kStatic = knob("LIN_STATIC", 0);
const int64_t kGrain = knob("LIN_GRAIN", 16);
const int64_t kStreamCols = knob("LIN_KB", 0);

// Per-thread fp32 panel for widened weights: grows to at most kPanelRows * kPanelCols floats
// and is kept for the next call (pool threads live as long as the backend).
float* panel_scratch(size_t floats) {
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  thread_local std::unique_ptr<float, Free> buf;
  thread_local size_t cap = 0;
  if (cap < floats) {
    buf.reset();
    const size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
    buf.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
    if (!buf) throw Error(ErrorKind::Resource, "linear", "cannot allocate GEMM scratch");
    cap = floats;
  }
  return buf.get();
}

}  // namespace

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

  const char* wbase = static_cast<const char*>(raw(w));
  const Elem we = w.elem();
  const size_t esize = static_cast<size_t>(elem_bits(we) / 8);
  const size_t row_bytes = static_cast<size_t>(K) * esize;

  if (T >= kGemmMinRows && K > 0) {
    // Our pool splits the work; OpenBLAS must not start threads of its own inside it. The setting
    // is process-wide and cheap to check.
    if (openblas_get_num_threads() != 1) openblas_set_num_threads(1);
    const int64_t panels = (N + kPanelRows - 1) / kPanelRows;
    const int64_t kb_max = std::min(K, kPanelCols);
    pool_.parallel_for(panels, 1, [&](int64_t pb, int64_t pe) {
      float* scratch = we == Elem::F32 ? nullptr : panel_scratch(static_cast<size_t>(kPanelRows * kb_max));
      for (int64_t p = pb; p < pe; ++p) {
        const int64_t n0 = p * kPanelRows, nb = std::min(kPanelRows, N - n0);
        const char* wp = wbase + static_cast<size_t>(n0) * row_bytes;
        if (we == Elem::F32) {
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(T), static_cast<int>(nb),
                      static_cast<int>(K), 1.0f, xp, static_cast<int>(K), reinterpret_cast<const float*>(wp),
                      static_cast<int>(K), 0.0f, yp + n0, static_cast<int>(N));
        } else {
          for (int64_t k0 = 0; k0 < K; k0 += kPanelCols) {
            const int64_t kb = std::min(kPanelCols, K - k0);
            convert_to_f32(wp + static_cast<size_t>(k0) * esize, we, static_cast<size_t>(K),
                           static_cast<size_t>(nb), static_cast<size_t>(kb), scratch, static_cast<size_t>(kb));
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(T), static_cast<int>(nb),
                        static_cast<int>(kb), 1.0f, xp + k0, static_cast<int>(K), scratch, static_cast<int>(kb),
                        k0 ? 1.0f : 0.0f, yp + n0, static_cast<int>(N));
          }
        }
        if (bp)
          for (int64_t t = 0; t < T; ++t) {
            float* yr = yp + t * N + n0;
            for (int64_t n = 0; n < nb; ++n) yr[n] += bp[n0 + n];
          }
      }
    });
    return;
  }

  // Chunks of >= 16 rows keep each thread on a contiguous stretch of W (prefetch-friendly).
  const int64_t kb_stream = (kStreamCols <= 0 || K <= kStreamCols) ? K : kStreamCols;
  const int64_t kStreamRows = kStreamRowsEnv ? kStreamRowsEnv : (K * 4 > 16384 ? 4 : 1);
  const int64_t grain = kStatic ? (N + kStatic * threads() - 1) / (kStatic * threads()) : kGrain;
  pool_.parallel_for(N, grain, [&](int64_t nb, int64_t ne) {
    const float* xs[4];
    for (int64_t k0 = 0; k0 < K; k0 += kb_stream) {
      const int64_t kb = std::min(kb_stream, K - k0);
      for (int64_t n = nb; n < ne; n += kStreamRows) {
        const int nw = static_cast<int>(std::min<int64_t>(kStreamRows, ne - n));
        const char* wrow = wbase + static_cast<size_t>(n) * row_bytes + static_cast<size_t>(k0) * esize;
        for (int64_t t0 = 0; t0 < T; t0 += 4) {
          const int g = static_cast<int>(std::min<int64_t>(4, T - t0));
          for (int j = 0; j < g; ++j) xs[j] = xp + (t0 + j) * K + k0;
          dot_rows_multi(wrow, we, static_cast<size_t>(K), nw, xs, g, static_cast<size_t>(kb),
                         yp + t0 * N + n, static_cast<size_t>(N), k0 > 0);
        }
      }
    }
    if (bp)
      for (int64_t t = 0; t < T; ++t)
        for (int64_t n = nb; n < ne; ++n) yp[t * N + n] += bp[n];
  });
}

}  // namespace archscope::cpu
