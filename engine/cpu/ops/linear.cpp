// y = x . W^T (+ b). Two paths, both splitting the output columns (rows of W) over the pool:
// - Weight streaming (decode, T < kGemmMinRows): each thread reads its own stretch of W once,
//   widening bf16/fp16 in registers, up to four token rows per pass (dot_rows_multi). No copy of W
//   is made, so decode is bound by weight bandwidth. How many weight rows one pass reads is
//   measured, not derived (engine/microbench/bench_linear, docs/performance.md): four, taken
//   rows / 4 apart in the thread's stretch so that each is a long sequential stream. Four
//   adjacent rows restart four short streams every pass: on the AMD Zen 4 host that streamed
//   4 KiB rows about 1.6x slower than one row per pass (an Intel Xeon was 1.4-1.9x faster with
//   four adjacent rows), and on the Zen 5 host four spread rows beat one row (bf16, K = 2048,
//   one thread: 29-35 against 20-31 GB/s, busy machine). For K > 4096 (the SwiGLU down
//   projection) the activation rows no longer stay in L1 beside the weight stream and four rows
//   per pass win in any case.
// - Packed GEMM (prefill, simd/gemm.*): x is packed once per call into k-major 6-row panels
//   (activation-sized, freed on return); each thread takes panels of up to kGemmNC rows of W,
//   widens them kGemmKC columns at a time into a per-thread scratch (256 KiB, reused: never an
//   fp32 copy of the weights) and runs a 6 x 32 register-blocked micro-kernel. No BLAS threads.
// Checked against the float64 reference on every SIMD target in tests/backend_ops/test_linear.cpp.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>

#include "common/error.hpp"
#include "cpu/bf16_activation.hpp"
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/gemm_scratch.hpp"
#include "cpu/ops/linear_packed.hpp"
#include "cpu/ops/linear_packed_formats.hpp"
#include "cpu/simd/gemm.hpp"
#include "cpu/simd/kernels.hpp"

namespace archscope::cpu {

namespace {

constexpr int64_t kGemmMinRows = 16;  // token rows from which the packed GEMM beats streaming
constexpr int64_t kGemmNC = 256;      // most weight rows per GEMM task
constexpr int64_t kWideK = 4096;      // above this K, four weight rows per streaming pass

// Weight rows per streaming pass for K <= kWideK (see the top of the file); ARCHSCOPE_DENSE_ROWS
// = 1|2|4 overrides, ARCHSCOPE_DENSE_SPREAD=0 reads the rows of a pass adjacent (for measuring).
int narrow_rows_per_pass() {
  static const int rows = [] {
    const char* v = std::getenv("ARCHSCOPE_DENSE_ROWS");
    const int n = v ? std::atoi(v) : 0;
    return n == 1 || n == 2 || n == 4 ? n : 4;
  }();
  return rows;
}
bool spread_rows() {
  static const bool spread = [] {
    const char* v = std::getenv("ARCHSCOPE_DENSE_SPREAD");
    return !(v && v[0] == '0');
  }();
  return spread;
}

}  // namespace

void CpuBackend::linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& out) {
  const char* op = "linear";
  check_stream(*this, s, op);
  const contract::LinearDims d = contract::check_linear(x, w, bias, out);
  check_cpu(x, op, "x");
  check_cpu(w, op, "w");
  check_cpu_optional(bias, op, "bias");
  check_cpu(out, op, "out");
  if (x.elem() == Elem::BF16) return linear(s, widened_to_f32(*this, x), w, bias, out);
  const int64_t T = d.tokens, K = d.in, N = d.out;
  const float* xp = host<const float>(x);
  float* yp = host<float>(out);
  const float* bp = host_or_null<const float>(bias);
  if (T == 0 || N == 0) return;

  const Elem we = w.elem();
  if (elem_is_packed(we)) {
    require(supports_packed(we), op,
            std::string("w: no CPU kernel for ") + to_string(we) + " weights");
    const auto* wp = static_cast<const uint8_t*>(raw(w));
    return packed_linear(pool_, xp, T, K, wp, we, packed_row_scales(w, N, op), N, bp, yp);
  }
  const char* wbase = static_cast<const char*>(raw(w));
  const size_t row_bytes = static_cast<size_t>(K) * static_cast<size_t>(elem_bits(we) / 8);
  auto add_bias = [&](int64_t n0, int64_t n1) {
    if (!bp) return;
    for (int64_t t = 0; t < T; ++t) {
      float* yr = yp + t * N;
      for (int64_t n = n0; n < n1; ++n) yr[n] += bp[n];
    }
  };

  if (T >= kGemmMinRows && K > 0) {
    const size_t xfloats = gemm_packed_x_floats(T, K);
    FloatBuffer xpack = alloc_floats(xfloats, "linear", "packed activations");
    const int64_t xpanels = (T + kGemmMR - 1) / kGemmMR;
    pool_.parallel_for(xpanels, 8, [&](int64_t p0, int64_t p1) {
      gemm_pack_x(xp, K, T, K, p0, p1, xpack.get());
    });
    // Tasks of kGemmNC weight rows, smaller (multiples of 32) when N would leave a thread idle.
    const int64_t per_thread = (N + threads() - 1) / threads();
    const int64_t nc = std::min(kGemmNC, std::max<int64_t>(kGemmMaxNR, (per_thread + 31) / 32 * 32));
    const int64_t tasks = (N + nc - 1) / nc;
    pool_.parallel_for(tasks, 1, [&](int64_t pb, int64_t pe) {
      float* scratch = thread_gemm_scratch(gemm_w_scratch_floats(kGemmNC));
      for (int64_t p = pb; p < pe; ++p) {
        const int64_t n0 = p * nc, nb = std::min(nc, N - n0);
        gemm_panel(xpack.get(), T, K, wbase + static_cast<size_t>(n0) * row_bytes, we, K, nb, scratch,
                   yp + n0, N);
        add_bias(n0, n0 + nb);
      }
    });
    return;
  }

  const int nw_max = K > kWideK ? 4 : narrow_rows_per_pass();
  const bool spread = spread_rows();
  // Chunks of >= 16 rows keep each thread on a contiguous stretch of W (prefetch-friendly).
  pool_.parallel_for(N, 16, [&](int64_t nb, int64_t ne) {
    const float* xs[4];
    const auto pass = [&](int64_t n, int nw, size_t w_stride, size_t out_row_stride) {
      const void* wrow = wbase + static_cast<size_t>(n) * row_bytes;
      for (int64_t t0 = 0; t0 < T; t0 += 4) {
        const int g = static_cast<int>(std::min<int64_t>(4, T - t0));
        for (int j = 0; j < g; ++j) xs[j] = xp + (t0 + j) * K;
        dot_rows_multi(wrow, we, w_stride, nw, xs, g, static_cast<size_t>(K), yp + t0 * N + n,
                       static_cast<size_t>(N), out_row_stride);
      }
    };
    int64_t n = nb;
    if (spread && nw_max > 1) {  // rows n, n + q, n + 2q, n + 3q: four long sequential streams
      const int64_t q = (ne - nb) / nw_max;
      for (int64_t i = 0; i < q; ++i)
        pass(nb + i, nw_max, static_cast<size_t>(q * K), static_cast<size_t>(q));
      n = nb + q * nw_max;
    }
    for (; n < ne; n += nw_max) {
      const int nw = static_cast<int>(std::min<int64_t>(nw_max, ne - n));
      pass(n, nw, static_cast<size_t>(K), 1);
    }
    add_bias(nb, ne);
  });
}

}  // namespace archscope::cpu
