// The reference attention kernel (`--kernel attention=naive`): one block per (query, head), every
// visible score scale * q.k (soft-capped) written to shared memory, a block-wide max and sum, then
// each thread sums p_j * v_j over all keys for its value dims. Straightforward on purpose: it is
// what the flash kernels are measured against. Reads every pool type (int8 / fp8 dequantized).
#include <algorithm>

#include "backend/op_params.hpp"
#include "common/error.hpp"
#include "cuda/attention/attention_args.hpp"
#include "cuda/attention/mask.cuh"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/kv_quant.cuh"
#include "cuda/kernels/kv_view.cuh"
#include "cuda/kernels/launch.cuh"

namespace archscope::cuda {

namespace {

struct NaiveParams {
  AttentionArgs a;
  KvView kv;
  DeviceErrors* err;
  int64_t group;
};

__global__ void attention_naive_kernel(NaiveParams p) {
  kernel_prologue();
  extern __shared__ float sm[];
  __shared__ float red[32];
  const AttentionArgs& a = p.a;
  const KvView& kv = p.kv;
  const int64_t t = blockIdx.x, h = blockIdx.y, kvh = h / p.group, dqk = kv.qk_dim, dv = kv.v_dim;
  float* qs = sm;        // [dqk]
  float* sc = sm + dqk;  // [visible keys]
  const int64_t pos = a.qpos[t];
  float* y = a.out + (t * a.Hq + h) * dv;
  if (pos < 0 || pos >= kv.length) {
    if (threadIdx.x == 0 && h == 0) report(p.err, DeviceCheck::AttentionPosition, pos, kv.length);
    for (int64_t d = threadIdx.x; d < dv; d += blockDim.x) y[d] = 0.0f;
    return;
  }
  const int64_t lo = first_key(a.mask, a.window, pos), n = pos - lo + 1;
  for (int64_t d = threadIdx.x; d < dqk; d += blockDim.x) qs[d] = a.q[(t * a.Hq + h) * dqk + d];
  __syncthreads();
  float mx = -INFINITY;
  for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
    const int64_t slot = kv_slot(kv, lo + j, p.err);
    float s = -INFINITY;
    if (slot >= 0) {
      float acc = 0.0f;
      for (int64_t d = 0; d < dqk; ++d) acc = fmaf(qs[d], kv_load(kv, false, slot, kvh, d), acc);
      s = acc * a.scale;
      if (a.softcap > 0.0f) s = a.softcap * tanhf(s / a.softcap);
    }
    sc[j] = s;
    mx = fmaxf(mx, s);
  }
  mx = block_max(mx, red);
  if (a.sinks) mx = fmaxf(mx, a.sinks[h]);
  float sum = 0.0f;
  for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
    const float e = sc[j] == -INFINITY ? 0.0f : expf(sc[j] - mx);
    sc[j] = e;
    sum += e;
  }
  sum = block_sum(sum, red);  // ends with a barrier: every sc[j] is written
  if (a.sinks) sum += expf(a.sinks[h] - mx);
  const float inv = sum > 0.0f ? 1.0f / sum : 0.0f;
  for (int64_t d = threadIdx.x; d < dv; d += blockDim.x) {
    float acc = 0.0f;
    for (int64_t j = 0; j < n; ++j) {
      if (sc[j] == 0.0f) continue;
      const int64_t slot = kv_slot(kv, lo + j, p.err);
      if (slot >= 0) acc = fmaf(sc[j], kv_load(kv, true, slot, kvh, d), acc);
    }
    y[d] = acc * inv;
  }
}

}  // namespace

void attention_naive(CudaBackend& be, const AttentionArgs& a, const KvView& kv) {
  int64_t span = kv.length;
  if (a.mask != static_cast<int>(AttentionMask::Causal)) span = std::min(span, a.window);
  const size_t smem = static_cast<size_t>(kv.qk_dim + span) * sizeof(float);
  if (smem > 200 * 1024)
    throw Error(ErrorKind::Unsupported, "cuda.attention",
                "attention=naive keeps every score of a row in shared memory: at most ~50k visible "
                "keys, this "
                "call has " +
                    std::to_string(span));
  NaiveParams p{};
  p.a = a;
  p.kv = kv;
  p.err = be.device_errors();
  p.group = a.Hq / kv.kv_heads;
  allow_smem(attention_naive_kernel, static_cast<unsigned>(smem));
  launch(be, attention_naive_kernel, dim3(static_cast<unsigned>(a.T), static_cast<unsigned>(a.Hq)),
         dim3(128), static_cast<unsigned>(smem), p);
}

}  // namespace archscope::cuda
