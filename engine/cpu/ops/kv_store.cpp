// Writes new keys/values into the paged pools, converting fp32 activations to the cache dtype
// (round to nearest even for bf16/fp16; int8 / fp8 vectors quantized with one fp32 scale per
// token, kv head and scale group, engine/quant/kv_rows.hpp).
#include <cstring>
#include <span>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/half.hpp"
#include "cpu/kv_blocks.hpp"
#include "quant/kv_rows.hpp"

namespace archscope::cpu {

namespace {
// One token's `heads` rows of `dim` into quantized codes and their scales (groups per head).
void store_quantized(const float* src, char* dst, float* scales, Elem e, int64_t heads, int64_t dim,
                     int64_t groups, int64_t split) {
  const quant::KvCode code = e == Elem::INT8 ? quant::KvCode::Int8 : quant::KvCode::Fp8;
  auto* q = reinterpret_cast<uint8_t*>(dst);
  for (int64_t h = 0; h < heads; ++h) {
    const float* x = src + h * dim;
    uint8_t* qh = q + h * dim;
    if (groups == 1) {
      scales[h] = quant::quantize_kv_row(code, x, dim, qh);
    } else {
      scales[2 * h] = quant::quantize_kv_row(code, x, split, qh);
      scales[2 * h + 1] = quant::quantize_kv_row(code, x + split, dim - split, qh + split);
    }
  }
}

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
  // The positions' values bound the part of the block table the contract checks, so they are
  // read (from host memory) before the contract runs; the contract checks their tensor first.
  contract::check_elem(positions, Elem::I32, op, "positions");
  check_cpu(positions, op, "positions");
  const int32_t* pos = host<const int32_t>(positions);
  const int64_t upto = contract::check_store_positions(std::span(pos, static_cast<size_t>(positions.numel())), op);
  const contract::KvDims d = contract::check_kv_store(k_new, v_new, positions, kv, upto);
  check_cpu(k_new, op, "k_new");
  check_cpu(v_new, op, "v_new");
  check_cpu(kv, op);
  const int64_t T = k_new.dim(0);
  const float* kp = host<const float>(k_new);
  const float* vp = host<const float>(v_new);
  const KvLayout l = kv_layout(kv, d, upto, op);
  if (l.quantized()) {
    for (int64_t t = 0; t < T; ++t) {
      store_quantized(kp + t * l.kv_heads * l.qk_dim, l.k_row(pos[t], 0), l.k_scales(pos[t], 0),
                      l.k_elem, l.kv_heads, l.qk_dim, l.groups, l.scale_split);
      store_quantized(vp + t * l.kv_heads * l.v_dim, l.v_row(pos[t], 0), l.v_scales(pos[t], 0),
                      l.v_elem, l.kv_heads, l.v_dim, l.groups, l.scale_split);
    }
    return;
  }
  for (int64_t t = 0; t < T; ++t) {
    // A token's heads are contiguous in the pool, so one row write per token.
    store_row(kp + t * l.kv_heads * l.qk_dim, l.k_row(pos[t], 0), l.k_elem, l.kv_heads * l.qk_dim);
    store_row(vp + t * l.kv_heads * l.v_dim, l.v_row(pos[t], 0), l.v_elem, l.kv_heads * l.v_dim);
  }
}

}  // namespace archscope::cpu
