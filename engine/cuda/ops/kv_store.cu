// Writes new keys/values [T, kv_heads, dim] (fp32) into the paged pools at their positions,
// rounding to the pool's element type (nearest even for bf16/fp16). One thread per element; a
// position beyond the block table or a table entry outside the pool is reported, not written.
#include "backend/op_contracts.hpp"
#include "cuda/check.hpp"
#include "cuda/kernels/common.cuh"
#include "cuda/kernels/elementwise.cuh"
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
  const int64_t n = p.T * p.kv.kv_heads * (p.kv.qk_dim + p.kv.v_dim);
  launch(be, kv_store_kernel, dim3(elementwise_grid(n, be.sm_count())), dim3(256), 0, p);
}

}  // namespace archscope::cuda
