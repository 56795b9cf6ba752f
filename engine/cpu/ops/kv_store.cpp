// Writes new keys/values into the paged pools, converting fp32 activations to the cache dtype
// (round to nearest even for bf16/fp16).
#include <cstring>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/half.hpp"
#include "cpu/kv_blocks.hpp"

namespace archscope::cpu {

namespace {
void store_row(const float* src, char* dst, Elem e, int64_t n) {
  if (e == Elem::F32) {
    std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
    return;
  }
  auto* d = reinterpret_cast<uint16_t*>(dst);
  for (int64_t i = 0; i < n; ++i) d[i] = e == Elem::BF16 ? f32_to_bf16(src[i]) : f32_to_f16(src[i]);
}
}  // namespace

void CpuBackend::kv_store(Stream& s, const Tensor& k_new, const Tensor& v_new,
                          const Tensor& positions, const KvBlocks& kv) {
  const char* op = "kv_store";
  check_stream(*this, s, op);
  const float* kp = in_f32(k_new, op, "k_new");
  const float* vp = in_f32(v_new, op, "v_new");
  const int32_t* pos = in_i32(positions, op, "positions");
  require(k_new.rank() == 3 && v_new.rank() == 3, op, "k_new/v_new must be [T, kv_heads, dim]");
  const int64_t T = k_new.dim(0);
  check_shape(positions, {T}, op, "positions");
  int64_t upto = 0;
  for (int64_t t = 0; t < T; ++t) {
    require(pos[t] >= 0, op, "negative position");
    upto = std::max<int64_t>(upto, pos[t] + 1);
  }
  const KvLayout l = kv_layout(kv, upto, op);
  check_shape(k_new, {T, l.kv_heads, l.qk_dim}, op, "k_new");
  check_shape(v_new, {T, l.kv_heads, l.v_dim}, op, "v_new");
  for (int64_t t = 0; t < T; ++t) {
    // A token's heads are contiguous in the pool, so one row write per token.
    store_row(kp + t * l.kv_heads * l.qk_dim, l.k_row(pos[t], 0), l.k_elem, l.kv_heads * l.qk_dim);
    store_row(vp + t * l.kv_heads * l.v_dim, l.v_row(pos[t], 0), l.v_elem, l.kv_heads * l.v_dim);
  }
}

}  // namespace archscope::cpu
