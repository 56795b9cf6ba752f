// Packed, register-blocked fp32 GEMM for y = x . W^T with W in F32/BF16/F16 (the prefill path of
// linear). BLIS-style: x is packed once per call into k-major panels of kGemmMR token rows; each
// thread widens a block of W (kc columns of up to kGemmMaxNC rows) into k-major micro-panels of NR
// columns in a bounded scratch buffer, and a MR x NR micro-kernel keeps the output tile in
// registers over the k block. NR is two vectors of the target picked at run time (32 on AVX-512).
#pragma once

#include <cstddef>
#include <cstdint>

#include "backend/tensor.hpp"

namespace archscope::cpu {

constexpr int64_t kGemmMR = 6;       // token rows per micro-tile
constexpr int64_t kGemmMaxNR = 32;   // widest micro-tile (AVX-512); scratch is sized for it
constexpr int64_t kGemmKC = 256;     // k block: a W micro-panel (256 x 32 fp32) is 32 KiB, L1-sized

// Floats of the packed x for T rows and K columns (rows padded to a multiple of kGemmMR).
size_t gemm_packed_x_floats(int64_t T, int64_t K);

// Packs the row panels [p0, p1) (panel p = rows p*kGemmMR ..) of x [T, K] (row stride ldx) into
// dst, laid out by k block: block at k0 (width kb = min(kGemmKC, K - k0)) starts at k0 * Tpad
// and holds the panels one after the other, each [kb][kGemmMR]. Rows past T are zero.
void gemm_pack_x(const float* x, int64_t ldx, int64_t T, int64_t K, int64_t p0, int64_t p1,
                 float* dst);

// Floats of the W scratch that gemm_panel needs for nb weight rows.
size_t gemm_w_scratch_floats(int64_t nb);

// y[t][n] = sum_k x[t][k] * w[n][k] for t < T, n < nb (y row stride ldy, w row stride ldw in
// elements), x given packed by gemm_pack_x. scratch: gemm_w_scratch_floats(nb) floats.
void gemm_panel(const float* xpacked, int64_t T, int64_t K, const void* w, Elem w_elem,
                int64_t ldw, int64_t nb, float* scratch, float* y, int64_t ldy);

}  // namespace archscope::cpu
