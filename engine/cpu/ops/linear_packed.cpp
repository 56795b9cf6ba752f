// y = x . W^T (+ b) for packed W. Two paths, both splitting the output columns (rows of W) over
// the pool like linear.cpp:
// - Decode (T < kGemmMinRows): each thread streams its contiguous stretch of packed rows once,
//   dequantizing each block in registers against up to four fp32 token rows per pass
//   (simd/packed_kernels: packed_dot_rows). Only the packed bytes are read: decode is bound by
//   the format's bytes, not by fp32's.
// - Prefill: x is packed once into the GEMM's panels; each task dequantizes a panel of W rows
//   into a per-thread fp32 scratch (at most kScratchFloats: L2-sized, reused, never the whole
//   matrix) and runs the fp32 GEMM micro-kernel on it (simd/gemm: gemm_panel), so prefill costs
//   the GEMM plus one dequantization of W per call.
// The dequantized values are exactly quant::unpack_rows' (= fake_quantize), so both paths compute
// a plain fp32 linear on the dequantized weights (tests/backend_ops/test_linear_packed.cpp).
#include "cpu/ops/linear_packed.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>

#include "common/error.hpp"
#include "cpu/gemm_scratch.hpp"
#include "cpu/simd/gemm.hpp"
#include "cpu/simd/packed_format_kernels.hpp"
#include "cpu/simd/packed_kernels.hpp"

namespace archscope::cpu {

namespace {

constexpr int64_t kGemmMinRows = 16;                  // as linear.cpp: from here the GEMM wins
constexpr int64_t kScratchFloats = int64_t{1} << 18;  // 1 MiB of dequantized rows per task

// Packed rows read side by side per decode pass (ARCHSCOPE_PACKED_ROWS=1|2|4 overrides, for
// measuring); the kernel spreads them over the thread's stretch (rows / 4 apart), so each is a long
// sequential stream. Measured with bench_linear --threads 1 on the AMD Zen 5 host (shared, load
// 5-9, so rough; GB/s of packed bytes, q8_0 / q4_0): K = 2048 four rows 31-35 / 22-23 against one
// row's 23-30 / 20-21; K = 8192 (the down projection) 24-25 / 16 against 8-13 / 10.
int rows_per_pass(int64_t /*K*/) {
  static const int forced = [] {
    const char* v = std::getenv("ARCHSCOPE_PACKED_ROWS");
    const int n = v ? std::atoi(v) : 0;
    return n == 1 || n == 2 || n == 4 ? n : 0;
  }();
  if (forced) return forced;
  return 4;
}

void add_bias(const float* bias, float* y, int64_t T, int64_t N, int64_t n0, int64_t n1) {
  if (!bias) return;
  for (int64_t t = 0; t < T; ++t)
    for (int64_t n = n0; n < n1; ++n) y[t * N + n] += bias[n];
}

}  // namespace

void packed_linear(ThreadPool& pool, const float* x, int64_t T, int64_t K, const uint8_t* w, Elem e,
                   const float* row_scales, int64_t N, const float* bias, float* y) {
  if (T == 0 || N == 0) return;
  const size_t row_bytes = elem_row_bytes(e, K);
  // q8_0 / q4_0 (simd/packed_kernels) or the other formats (simd/packed_format_kernels, with their
  // row scales where the format has them): the same two paths serve both.
  const bool other_format = has_packed_format_kernel(e);
  const auto rows_at = [&](int64_t n) { return w + static_cast<size_t>(n) * row_bytes; };
  const int64_t scales_per_row = elem_row_scale_count(e, K);
  const auto scales_at = [&](int64_t n) {
    return row_scales ? row_scales + n * scales_per_row : nullptr;
  };
  const auto dequantize = [&](int64_t n0, int64_t nb, float* wf) {
    if (other_format)
      packed_format_dequantize_rows(rows_at(n0), e, row_bytes, scales_at(n0), nb, K, wf, K);
    else
      packed_dequantize_rows(rows_at(n0), e, row_bytes, nb, K, wf, K);
  };
  // rows rows from n0 against g token rows xs, into out (stride N); rows_side_by_side: q8_0 / q4_0's
  // rows per pass.
  const auto dot = [&](int64_t n0, int64_t rows, int rows_side_by_side, const float* const* xs,
                       int g, float* out) {
    if (other_format)
      packed_format_dot_rows(rows_at(n0), e, row_bytes, scales_at(n0), rows, xs, g,
                             static_cast<size_t>(K), out, static_cast<size_t>(N));
    else
      packed_dot_rows(rows_at(n0), e, row_bytes, rows, rows_side_by_side, xs, g,
                      static_cast<size_t>(K), out, static_cast<size_t>(N));
  };
  if (T >= kGemmMinRows && K > 0) {
    const FloatBuffer xpack =
        alloc_floats(gemm_packed_x_floats(T, K), "linear", "packed activations");
    const int64_t xpanels = (T + kGemmMR - 1) / kGemmMR;
    pool.parallel_for(
        xpanels, 8, [&](int64_t p0, int64_t p1) { gemm_pack_x(x, K, T, K, p0, p1, xpack.get()); });
    // Rows per task: the scratch bound, a multiple of 32, fewer when N would leave a thread idle.
    const int64_t fit = std::max<int64_t>(kGemmMaxNR, kScratchFloats / K / kGemmMaxNR * kGemmMaxNR);
    const int64_t per_thread = (N + pool.threads() - 1) / pool.threads();
    const int64_t nc = std::min(fit, std::max<int64_t>(kGemmMaxNR, (per_thread + 31) / 32 * 32));
    const int64_t tasks = (N + nc - 1) / nc;
    pool.parallel_for(tasks, 1, [&](int64_t pb, int64_t pe) {
      float* wf = thread_dequant_scratch(static_cast<size_t>(nc * K));
      float* scratch = thread_gemm_scratch(gemm_w_scratch_floats(nc));
      for (int64_t p = pb; p < pe; ++p) {
        const int64_t n0 = p * nc, nb = std::min(nc, N - n0);
        dequantize(n0, nb, wf);
        gemm_panel(xpack.get(), T, K, wf, Elem::F32, K, nb, scratch, y + n0, N);
        add_bias(bias, y, T, N, n0, n0 + nb);
      }
    });
    return;
  }
  // Chunks of >= 16 rows keep each thread on one contiguous stretch of the packed bytes.
  pool.parallel_for(N, 16, [&](int64_t nb, int64_t ne) {
    const float* xs[4];
    const auto group = [&](int64_t t0) {
      const int g = static_cast<int>(std::min<int64_t>(4, T - t0));
      for (int j = 0; j < g; ++j) xs[j] = x + (t0 + j) * K;
      return g;
    };
    if (T <= 4) {  // one call streams the whole stretch
      const int g = group(0);
      dot(nb, ne - nb, rows_per_pass(K), xs, g, y + nb);
    } else {
      for (int64_t n = nb; n < ne; ++n)
        for (int64_t t0 = 0; t0 < T; t0 += 4) {  // later groups read the row from L1
          const int g = group(t0);
          dot(n, 1, 1, xs, g, y + t0 * N + n);
        }
    }
    add_bias(bias, y, T, N, nb, ne);
  });
}

}  // namespace archscope::cpu
