// Writes new keys/values [T, kv_heads, dim] (fp32) into the paged pools at their positions,
// rounding to the pool's element type (nearest even for bf16/fp16). One thread per element; a
// position beyond the block table or a table entry outside the pool is reported, not written.
// int8 / fp8 pools: one warp per stored vector (token, k or v, kv head, scale group) takes its
// absmax, writes the scale and the codes (kernels/kv_codes.hpp: the CPU backend's bits).
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/elementwise.cuh"
#include "cuda/kernels/kv_codes.hpp"
#include "cuda/kernels/kv_view.cuh"
#include "cuda/kernels/launch.cuh"
#include "cuda/kv_layout.hpp"

namespace archscope::cuda {

namespace {
struct KvStoreParams {
  const float* k_new;
  const float* v_new;
  const int32_t* pos;
  KvView kv;
  DeviceErrors* err;
  int64_t T;
};

__global__ void kv_store_kernel(KvStoreParams p) {
  kernel_prologue();
  const int64_t kw = p.kv.kv_heads * p.kv.qk_dim, vw = p.kv.kv_heads * p.kv.v_dim, row = kw + vw;
  const int64_t n = p.T * row, stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t j = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; j < n;
       j += stride) {
    const int64_t t = j / row, c = j % row;
    const int64_t slot = kv_slot(p.kv, p.pos[t], p.err);
    if (slot < 0) continue;
    // A token's heads are contiguous in the pool: element c of its k (or v) row.
    if (c < kw)
      store_elem(const_cast<void*>(p.kv.k), p.kv.elem, slot * kw + c, p.k_new[t * kw + c]);
    else
      store_elem(const_cast<void*>(p.kv.v), p.kv.velem, slot * vw + (c - kw),
                 p.v_new[t * vw + (c - kw)]);
  }
}

// Vector w of the 2 * T * kv_heads * groups: token t, k (0) or v (1), head h, group g.
__global__ void kv_store_quantized_kernel(KvStoreParams p) {
  kernel_prologue();
  const KvView& kv = p.kv;
  const bool fp8 = kv.elem == FElem::E4M3;
  // Aliased pools given the same rows (MLA) hold one copy: the v half would rewrite its bits.
  const bool skip_v = kv.v == kv.k && p.v_new == p.k_new;
  const int64_t G = kv.groups, per_token = 2 * kv.kv_heads * G, n = p.T * per_token;
  const int lane = threadIdx.x & 31;
  const int64_t warps = static_cast<int64_t>(gridDim.x) * (blockDim.x >> 5);
  for (int64_t w = static_cast<int64_t>(blockIdx.x) * (blockDim.x >> 5) + (threadIdx.x >> 5); w < n;
       w += warps) {
    const int64_t t = w / per_token, r = w % per_token;
    const bool is_v = r >= kv.kv_heads * G;
    if (is_v && skip_v) continue;
    const int64_t h = (r % (kv.kv_heads * G)) / G, g = r % G;
    const int64_t dim = is_v ? kv.v_dim : kv.qk_dim;
    const int64_t from = g == 0 ? 0 : kv.scale_split;
    const int64_t to = G == 2 && g == 0 ? kv.scale_split : dim;
    const int64_t slot = kv_slot(kv, p.pos[t], p.err);
    if (slot < 0) continue;
    const float* x = (is_v ? p.v_new : p.k_new) + (t * kv.kv_heads + h) * dim;
    float m = 0.0f;  // fmaxf drops NaNs, as the CPU's std::max(m, |x|) does
    for (int64_t c = from + lane; c < to; c += 32) m = fmaxf(m, fabsf(x[c]));
    const float s = kvq::kv_scale(fp8, warp_max(m));
    uint8_t* q = static_cast<uint8_t*>(const_cast<void*>(is_v ? kv.v : kv.k)) +
                 (slot * kv.kv_heads + h) * dim;
    for (int64_t c = from + lane; c < to; c += 32) q[c] = kvq::kv_code(fp8, x[c], s);
    if (lane == 0)
      const_cast<float*>(is_v ? kv.v_scale : kv.k_scale)[(slot * kv.kv_heads + h) * G + g] = s;
  }
}
}  // namespace

void CudaBackend::kv_store(Stream& s, const Tensor& k_new, const Tensor& v_new,
                           const Tensor& positions, const KvBlocks& kv) {
  const char* op = "kv_store";
  CudaBackend& be = cuda_of(*this, s, op);
  contract::check_kv_store(k_new, v_new, positions, kv, 0);  // positions: checked on the device
  KvStoreParams p{};
  p.k_new = in_f32(k_new, op, "k_new");
  p.v_new = in_f32(v_new, op, "v_new");
  p.pos = in_i32(positions, op, "positions");
  require(k_new.rank() == 3 && v_new.rank() == 3, op, "k_new/v_new must be [T, kv_heads, dim]");
  p.T = k_new.dim(0);
  check_shape(positions, {p.T}, op, "positions");
  p.kv = kv_view(kv, op);
  check_shape(k_new, {p.T, p.kv.kv_heads, p.kv.qk_dim}, op, "k_new");
  check_shape(v_new, {p.T, p.kv.kv_heads, p.kv.v_dim}, op, "v_new");
  p.err = be.device_errors();
  if (p.kv.k_scale) {
    const int64_t vectors = 2 * p.T * p.kv.kv_heads * p.kv.groups;
    if (vectors > 0)
      launch(be, kv_store_quantized_kernel, dim3(ceil_div(vectors, 8)), dim3(256), 0, p);
    return;
  }
  const int64_t n = p.T * p.kv.kv_heads * (p.kv.qk_dim + p.kv.v_dim);
  launch(be, kv_store_kernel, dim3(elementwise_grid(n, be.sm_count())), dim3(256), 0, p);
}

}  // namespace archscope::cuda
