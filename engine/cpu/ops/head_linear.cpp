// out[t, h] = w[h] . x[t, h] for every head: MLA's absorbed projections (W_uk^T on the query,
// W_uv on the attention output), one [N, K] matrix per head, for all tokens and heads in one op.
// The two paths of linear(), with the head as an extra loop and strides instead of copies:
// - Weight streaming (T < kGemmMinRows, decode): the H * N weight rows are split over the pool;
//   each stretch is dotted with its head's token rows (H * K apart in x), four tokens per pass.
// - Packed GEMM (prefill of a continuing chunk): each head's rows of x are packed once, then one
//   task per (head, block of weight rows) runs the register-blocked kernel of simd/gemm.
// Results land in the [T, H, N] layout directly (row stride H * N). Checked against the float64
// reference in tests/backend_ops/test_head_linear.cpp.
#include <algorithm>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/gemm_scratch.hpp"
#include "cpu/simd/gemm.hpp"
#include "cpu/simd/kernels.hpp"

namespace archscope::cpu {

namespace {

constexpr int64_t kGemmMinRows = 16;  // as linear(): token rows from which the packed GEMM wins
constexpr int64_t kGemmNC = 256;      // most weight rows per GEMM task

}  // namespace

void CpuBackend::head_linear(Stream& s, const Tensor& x, const Tensor& w, Tensor& out) {
  const char* op = "head_linear";
  check_stream(*this, s, op);
  const contract::HeadLinearDims d = contract::check_head_linear(x, w, out);
  check_cpu(x, op, "x");
  check_cpu(w, op, "w");
  check_cpu(out, op, "out");
  const float* xp = host<const float>(x);
  float* yp = host<float>(out);
  const int64_t T = d.tokens, H = d.heads, K = d.in, N = d.out;
  if (T == 0 || H == 0 || N == 0) return;
  if (K == 0) {
    std::fill(yp, yp + T * H * N, 0.0f);
    return;
  }
  const char* wbase = static_cast<const char*>(raw(w));
  const Elem we = w.elem();
  const size_t row_bytes = static_cast<size_t>(K) * static_cast<size_t>(elem_bits(we) / 8);
  const int64_t ldx = H * K, ldy = H * N;

  if (T >= kGemmMinRows) {
    const size_t per_head = gemm_packed_x_floats(T, K);
    FloatBuffer xpack = alloc_floats(per_head * static_cast<size_t>(H), op, "packed activations");
    const int64_t panels = (T + kGemmMR - 1) / kGemmMR;
    pool_.parallel_for(H * panels, 8, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) {
        const int64_t h = i / panels, p = i % panels;
        gemm_pack_x(xp + h * K, ldx, T, K, p, p + 1,
                    xpack.get() + static_cast<size_t>(h) * per_head);
      }
    });
    // Tasks of up to kGemmNC weight rows of one head, smaller (multiples of 32) when the heads'
    // rows would leave a thread idle.
    const int64_t per_thread = (H * N + threads() - 1) / threads();
    const int64_t nc =
        std::min(kGemmNC, std::max<int64_t>(kGemmMaxNR, (per_thread + 31) / 32 * 32));
    const int64_t blocks = (N + nc - 1) / nc;
    pool_.parallel_for(H * blocks, 1, [&](int64_t b0, int64_t b1) {
      float* scratch = thread_gemm_scratch(gemm_w_scratch_floats(kGemmNC));
      for (int64_t b = b0; b < b1; ++b) {
        const int64_t h = b / blocks, n0 = (b % blocks) * nc, nb = std::min(nc, N - n0);
        gemm_panel(xpack.get() + static_cast<size_t>(h) * per_head, T, K,
                   wbase + static_cast<size_t>(h * N + n0) * row_bytes, we, K, nb, scratch,
                   yp + h * N + n0, ldy);
      }
    });
    return;
  }

  constexpr int kRowsPerPass = 4;
  pool_.parallel_for(H * N, 16, [&](int64_t i0, int64_t i1) {
    const float* xs[4];
    for (int64_t i = i0; i < i1;) {
      const int64_t h = i / N, n = i % N;
      const int nw = static_cast<int>(std::min<int64_t>({kRowsPerPass, i1 - i, N - n}));
      const void* wrow = wbase + static_cast<size_t>(i) * row_bytes;  // row n of head h
      for (int64_t t0 = 0; t0 < T; t0 += 4) {
        const int g = static_cast<int>(std::min<int64_t>(4, T - t0));
        for (int j = 0; j < g; ++j) xs[j] = xp + (t0 + j) * ldx + h * K;
        dot_rows_multi(wrow, we, static_cast<size_t>(K), nw, xs, g, static_cast<size_t>(K),
                       yp + t0 * ldy + h * N + n, static_cast<size_t>(ldy));
      }
      i += nw;
    }
  });
}

}  // namespace archscope::cpu
