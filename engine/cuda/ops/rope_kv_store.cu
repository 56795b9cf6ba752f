// Rotary embeddings on q and k and the cache write of k and v as one kernel: each thread takes
// one rotated pair of q, one rotated pair of k (written to k and to the pool), one element of k
// outside the rotated span, or one element of v (to the pool), so the rotated keys are written
// once to the cache straight from registers and the step has one launch instead of two (a
// decode row: rope and kv_store each cost a launch and a drain, longer than their work). The
// arithmetic is rope.cu's and kv_store.cu's (same products, same rounding to the pool's type);
// a position outside the tables is reported and that row's q and k left as they are (its k
// stored unrotated, as the two ops would), one outside the block table reported and not stored.
// Pools other than fp32/bf16/fp16 go through rope() and kv_store() (which say what they take).
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/elementwise.cuh"
#include "cuda/kernels/kv_view.cuh"
#include "cuda/kernels/launch.cuh"
#include "cuda/kv_layout.hpp"

namespace archscope::cuda {

namespace {
struct RopeKvParams {
  float* q;
  float* k;
  const float* v;
  const int32_t* pos;
  const float* cos;
  const float* sin;
  KvView kv;
  DeviceErrors* err;
  int64_t T, Hq, head_dim, rot_offset, half, P;
  int interleaved;
};

// Rotates pair i of the head at h (in place); false (and reported) if pos is outside the tables.
__device__ __forceinline__ bool rotate(const RopeKvParams& p, float* h, int64_t pos, int64_t i,
                                       float& x1, float& x2, int64_t& ia, int64_t& ib) {
  ia = p.rot_offset + (p.interleaved ? 2 * i : i);
  ib = p.rot_offset + (p.interleaved ? 2 * i + 1 : i + p.half);
  x1 = h[ia];
  x2 = h[ib];
  if (pos < 0 || pos >= p.P) {
    report(p.err, DeviceCheck::RopePosition, pos, p.P);
    return false;
  }
  const float c = p.cos[pos * p.half + i], s = p.sin[pos * p.half + i];
  const float r1 = x1 * c - x2 * s, r2 = x2 * c + x1 * s;
  x1 = r1;
  x2 = r2;
  h[ia] = x1;
  h[ib] = x2;
  return true;
}

__global__ void rope_kv_store_kernel(RopeKvParams p) {
  kernel_prologue();
  const int64_t Hk = p.kv.kv_heads, D = p.head_dim, vd = p.kv.v_dim, kw = Hk * D, vw = Hk * vd;
  const int64_t pass = D - 2 * p.half;  // k elements outside the rotated span
  const int64_t nq = p.T * p.Hq * p.half, nk = p.T * Hk * p.half, nkp = p.T * Hk * pass,
                nv = p.T * vw, n = nq + nk + nkp + nv;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t j = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; j < n;
       j += stride) {
    float x1, x2;
    int64_t ia, ib;
    if (j < nq) {
      const int64_t i = j % p.half, r = j / p.half, t = r / p.Hq;
      rotate(p, p.q + r * D, p.pos[t], i, x1, x2, ia, ib);
      continue;
    }
    int64_t e = j - nq;
    if (e < nk) {
      const int64_t i = e % p.half, r = e / p.half, t = r / Hk, head = r % Hk;
      rotate(p, p.k + r * D, p.pos[t], i, x1, x2, ia, ib);
      const int64_t slot = kv_slot(p.kv, p.pos[t], p.err);
      if (slot < 0) continue;
      void* pool = const_cast<void*>(p.kv.k);
      store_elem(pool, p.kv.elem, slot * kw + head * D + ia, x1);
      store_elem(pool, p.kv.elem, slot * kw + head * D + ib, x2);
      continue;
    }
    e -= nk;
    if (e < nkp) {
      const int64_t m = e % pass, r = e / pass, t = r / Hk, head = r % Hk;
      const int64_t d = m < p.rot_offset ? m : m + 2 * p.half;
      const int64_t slot = kv_slot(p.kv, p.pos[t], p.err);
      if (slot >= 0)
        store_elem(const_cast<void*>(p.kv.k), p.kv.elem, slot * kw + head * D + d, p.k[r * D + d]);
      continue;
    }
    e -= nkp;
    const int64_t t = e / vw, c = e % vw;
    const int64_t slot = kv_slot(p.kv, p.pos[t], p.err);
    if (slot >= 0)
      store_elem(const_cast<void*>(p.kv.v), p.kv.velem, slot * vw + c, p.v[t * vw + c]);
  }
}
}  // namespace

void CudaBackend::rope_kv_store(Stream& s, Tensor& q, Tensor& k, const Tensor& v,
                                const Tensor& positions, const Tensor& cos, const Tensor& sin,
                                const RopeApplyParams& rp, const KvBlocks& kv) {
  const char* op = "rope_kv_store";
  CudaBackend& be = cuda_of(*this, s, op);
  // Everything the three ops would refuse, refused before anything is written.
  const contract::RopeDims dq = contract::check_rope(q, positions, cos, sin, rp);
  const contract::RopeDims dk = contract::check_rope(k, positions, cos, sin, rp);
  contract::check_kv_store(k, v, positions, kv, 0);  // positions: checked on the device
  const Elem ke = kv.k.elem(), ve = kv.v.elem();
  const bool floats = !kv.k_scale.defined() &&
                      (ke == Elem::F32 || ke == Elem::BF16 || ke == Elem::F16) &&
                      (ve == Elem::F32 || ve == Elem::BF16 || ve == Elem::F16);
  if (!floats) {
    rope(s, q, positions, cos, sin, rp);
    rope(s, k, positions, cos, sin, rp);
    kv_store(s, k, v, positions, kv);
    return;
  }
  RopeKvParams p{};
  p.q = out_f32(q, op, "q");
  p.k = out_f32(k, op, "k");
  p.v = in_f32(v, op, "v");
  p.pos = in_i32(positions, op, "positions");
  p.cos = in_f32(cos, op, "cos");
  p.sin = in_f32(sin, op, "sin");
  p.kv = kv_view(kv, op);
  require(dq.tokens == dk.tokens && k.dim(2) == p.kv.qk_dim && k.dim(1) == p.kv.kv_heads, op,
          "k must be [T, kv_heads, head_dim] of the pools");
  check_shape(v, {dk.tokens, p.kv.kv_heads, p.kv.v_dim}, op, "v");
  check_no_overlap(q, k, op, "q must not overlap k");
  p.T = dq.tokens;
  p.Hq = dq.heads;
  p.head_dim = rp.head_dim;
  p.rot_offset = rp.rot_offset;
  p.half = rp.rot_dim / 2;
  p.P = dq.table_positions;
  p.interleaved = rp.interleaved;
  p.err = be.device_errors();
  const int64_t n =
      p.T * (p.Hq * p.half + p.kv.kv_heads * (p.head_dim - p.half) + p.kv.kv_heads * p.kv.v_dim);
  if (n == 0) return;
  launch(be, rope_kv_store_kernel, dim3(elementwise_grid(n, be.sm_count())), dim3(256), 0, p);
}

}  // namespace archscope::cuda
