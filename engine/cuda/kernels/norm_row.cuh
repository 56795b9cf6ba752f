// One row of a norm (ops/norm.cu), shared with the residual add + norm (ops/add_norm.cu) so both
// compute the same sums in the same order: RMSNorm (optionally weightless), RMSNorm with (1 + w),
// LayerNorm with or without bias (mean and variance in float64, as the CPU backend: they cancel
// badly in fp32 for rows with a large mean), and the true L2 norm x / sqrt(sum x^2 + eps). Called
// by a whole block; x(i) gives input element i, keep(i, v) sees each input value once, in the
// pass that writes y[i], by the thread that reads element i in every pass (so a caller may write
// v over its own inputs there).
#pragma once

#include "backend/op_params.hpp"
#include "cuda/kernels/activation_out.cuh"
#include "cuda/kernels/common.cuh"

namespace archscope::cuda {

struct NormRowParams {
  const void* w;
  const void* b;
  int64_t width;
  float eps;
  int op;  // NormOp
  FElem we, be;
};

constexpr int kNormHeld = 4;  // elements per thread the register path keeps

// The weight (and bias) lines into L2 while the previous kernel drains (programmatic dependent
// launch): after the wait they are L2 hits instead of an HBM round trip after the reduction.
// A hint only (L2 is the coherence point), issued by the first block for all rows.
__device__ __forceinline__ void prefetch_norm_weights(const NormRowParams& p) {
  if (blockIdx.x != 0) return;
  const int64_t wb = p.width * (p.we == FElem::F32 ? 4 : 2),
                bb = p.width * (p.be == FElem::F32 ? 4 : 2);
  for (int64_t off = static_cast<int64_t>(threadIdx.x) * 128; off < wb + bb;
       off += static_cast<int64_t>(blockDim.x) * 128) {
    const char* line = off < wb ? (p.w ? static_cast<const char*>(p.w) + off : nullptr)
                                : (p.b ? static_cast<const char*>(p.b) + (off - wb) : nullptr);
    if (line) asm volatile("prefetch.global.L2 [%0];" ::"l"(line));
  }
}

// yr: float or __nv_bfloat16 (kernels/activation_out.cuh): the same fp32 value, rounded or not.
template <class X, class Keep, class Y>
__device__ __forceinline__ void norm_row(const NormRowParams& p, X x, Keep keep, Y* yr) {
  __shared__ float fscratch[32];
  __shared__ double dscratch[32];
  const auto op = static_cast<NormOp>(p.op);
  float mean = 0.0f, inv;
  if (op == NormOp::Layer) {
    double s = 0.0;
    for (int64_t i = threadIdx.x; i < p.width; i += blockDim.x) s += x(i);
    const double m = block_sum(s, dscratch) / static_cast<double>(p.width);
    double sq = 0.0;
    for (int64_t i = threadIdx.x; i < p.width; i += blockDim.x) {
      const float v = x(i);
      sq += (v - m) * (v - m);
    }
    sq = block_sum(sq, dscratch);
    mean = static_cast<float>(m);
    inv = static_cast<float>(1.0 / sqrt(sq / static_cast<double>(p.width) + p.eps));
  } else if (p.width <= kNormHeld * static_cast<int64_t>(blockDim.x)) {
    // Rows of up to kNormHeld elements per thread (d_model 2048 at 512 threads): x and the
    // weight are loaded together before the reduction and kept in registers, so the row costs
    // one round trip to L2 instead of two (x, then the weight after the sum). Same sums, same
    // order.
    float xv[kNormHeld], wv[kNormHeld];
    float ss = 0.0f;
#pragma unroll
    for (int j = 0; j < kNormHeld; ++j) {
      const int64_t i = threadIdx.x + static_cast<int64_t>(j) * blockDim.x;
      xv[j] = i < p.width ? x(i) : 0.0f;
      wv[j] = p.w && i < p.width ? load_elem(p.w, p.we, i) : 0.0f;
    }
#pragma unroll
    for (int j = 0; j < kNormHeld; ++j) ss += xv[j] * xv[j];
    ss = block_sum(ss, fscratch);
    const float denom = op == NormOp::L2 ? ss : ss / static_cast<float>(p.width);
    inv = 1.0f / sqrtf(denom + p.eps);
#pragma unroll
    for (int j = 0; j < kNormHeld; ++j) {
      const int64_t i = threadIdx.x + static_cast<int64_t>(j) * blockDim.x;
      if (i >= p.width) break;
      keep(i, xv[j]);
      float v = xv[j] * inv;
      if (p.w) v *= op == NormOp::RmsPlusOne ? 1.0f + wv[j] : wv[j];
      yr[i] = activation_out<Y>(v);
    }
    return;
  } else {
    float ss = 0.0f;
    for (int64_t i = threadIdx.x; i < p.width; i += blockDim.x) {
      const float v = x(i);
      ss += v * v;
    }
    ss = block_sum(ss, fscratch);
    const float denom = op == NormOp::L2 ? ss : ss / static_cast<float>(p.width);
    inv = 1.0f / sqrtf(denom + p.eps);
  }
  for (int64_t i = threadIdx.x; i < p.width; i += blockDim.x) {
    const float xi = x(i);
    keep(i, xi);
    float v = (xi - mean) * inv;
    if (p.w) {
      const float w = load_elem(p.w, p.we, i);
      v *= op == NormOp::RmsPlusOne ? 1.0f + w : w;
    }
    if (p.b) v += load_elem(p.b, p.be, i);
    yr[i] = activation_out<Y>(v);
  }
}

}  // namespace archscope::cuda
