// y = x . ŵ^T (+ b) for the packed formats of simd/packed_format_kernels.hpp, with the two paths
// of linear_packed.cpp (q8_0 / q4_0), splitting the output columns (rows of W) over the pool:
// - Decode (T < kGemmMinRows): each thread streams its contiguous stretch of packed rows once,
//   decoding each block against up to four fp32 token rows per pass (packed_format_dot_rows).
//   Only the packed bytes (and the row scales) are read.
// - Prefill: x is packed once into the GEMM's panels; each task dequantizes a panel of W rows
//   into a per-thread fp32 scratch (at most kScratchFloats, reused, never the whole matrix) and
//   runs the fp32 GEMM micro-kernel on it (simd/gemm: gemm_panel).
// The dequantized values are exactly quant::fake_quantize's, so both paths compute a plain fp32
// linear on ŵ (tests/backend_ops/test_linear_packed_formats.cpp).
#include "cpu/ops/linear_packed_formats.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>

#include "backend/backend.hpp"
#include "common/error.hpp"
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/gemm_scratch.hpp"
#include "cpu/simd/gemm.hpp"
#include "cpu/simd/packed_format_kernels.hpp"

namespace archscope::cpu {

namespace {

constexpr int64_t kGemmMinRows = 16;                  // as linear.cpp: from here the GEMM wins
constexpr int64_t kScratchFloats = int64_t{1} << 18;  // 1 MiB of dequantized rows per task

void add_bias(const float* bias, float* y, int64_t T, int64_t N, int64_t n0, int64_t n1) {
  if (!bias) return;
  for (int64_t t = 0; t < T; ++t)
    for (int64_t n = n0; n < n1; ++n) y[t * N + n] += bias[n];
}

}  // namespace

const float* packed_row_scales(const Tensor& w, int64_t rows, const char* op) {
  if (!elem_has_row_scales(w.elem())) return nullptr;
  const BlockScales& q = w.quant;
  const int64_t K = w.rank() ? w.dim(-1) : 0;
  require(q.scales != nullptr && q.block == K && q.offset >= 0, op,
          std::string("w: a ") + to_string(w.elem()) + " tensor " + shape_string(w.shape()) +
              " without its row scales (Tensor::quant, block = K)");
  require(static_cast<size_t>(q.offset + rows) * sizeof(float) <= q.scales->bytes(), op,
          "w: " + std::to_string(rows) + " row scales from " + std::to_string(q.offset) +
              " overrun a scale buffer of " + std::to_string(q.scales->bytes()) + " bytes");
  require(dynamic_cast<CpuBackend*>(&q.scales->owner()) != nullptr, op,
          "w: row scales live on another backend");
  return static_cast<const float*>(q.scales->handle()) + q.offset;
}

void packed_format_linear(ThreadPool& pool, const float* x, int64_t T, int64_t K, const uint8_t* w,
                          Elem e, const float* row_scales, int64_t N, const float* bias, float* y) {
  if (T == 0 || N == 0) return;
  const size_t row_bytes = elem_row_bytes(e, K);
  const auto scales_at = [&](int64_t n) { return row_scales ? row_scales + n : nullptr; };
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
        packed_format_dequantize_rows(w + static_cast<size_t>(n0) * row_bytes, e, row_bytes,
                                      scales_at(n0), nb, K, wf, K);
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
      packed_format_dot_rows(w + static_cast<size_t>(nb) * row_bytes, e, row_bytes, scales_at(nb),
                             ne - nb, xs, g, static_cast<size_t>(K), y + nb,
                             static_cast<size_t>(N));
    } else {
      for (int64_t n = nb; n < ne; ++n)
        for (int64_t t0 = 0; t0 < T; t0 += 4) {  // later groups read the row from L1
          const int g = group(t0);
          packed_format_dot_rows(w + static_cast<size_t>(n) * row_bytes, e, row_bytes, scales_at(n),
                                 1, xs, g, static_cast<size_t>(K), y + t0 * N + n,
                                 static_cast<size_t>(N));
        }
    }
    add_bias(bias, y, T, N, nb, ne);
  });
}

}  // namespace archscope::cpu
