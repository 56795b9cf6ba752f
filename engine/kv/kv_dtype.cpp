#include "kv/kv_dtype.hpp"

#include "backend/backend.hpp"
#include "common/error.hpp"

namespace archscope {

bool kv_quantized(Elem e) {
  return e == Elem::INT8 || e == Elem::FP8;
}

std::string kv_dtype_names() {
  return "fp32|bf16|fp16|int8|fp8";
}

Elem parse_kv_elem(const std::string& text, const std::string& option) {
  if (text == "fp32" || text == "f32" || text == "float32") return Elem::F32;
  if (text == "bf16" || text == "bfloat16") return Elem::BF16;
  if (text == "fp16" || text == "f16" || text == "float16") return Elem::F16;
  if (text == "int8" || text == "i8") return Elem::INT8;
  if (text == "fp8" || text == "f8" || text == "e4m3") return Elem::FP8;
  throw Error(ErrorKind::Validation, option,
              "unknown KV cache dtype '" + text + "'; use " + kv_dtype_names());
}

int64_t kv_scale_groups(AttentionKind kind, const ModelConfig& config) {
  if (kind != AttentionKind::Mla) return 1;
  const MlaConfig& m = config.attention.mla;
  return m.kv_lora_rank > 0 && m.qk_rope_head_dim > 0 ? 2 : 1;
}

int64_t kv_scale_split(AttentionKind kind, const ModelConfig& config) {
  return kv_scale_groups(kind, config) == 2 ? config.attention.mla.kv_lora_rank : 0;
}

uint64_t kv_token_bytes(AttentionKind kind, const ModelConfig& config, Elem e) {
  const uint64_t elem = static_cast<uint64_t>(elem_bits(e) / 8);
  const uint64_t scale = kv_quantized(e) ? sizeof(float) : 0;
  const AttentionConfig& a = config.attention;
  if (kind == AttentionKind::Mla)
    return elem * static_cast<uint64_t>(a.mla.kv_lora_rank + a.mla.qk_rope_head_dim) +
           scale * static_cast<uint64_t>(kv_scale_groups(kind, config));
  return 2 * static_cast<uint64_t>(a.kv_heads) * (elem * static_cast<uint64_t>(a.head_dim) + scale);
}

void attach_kv_scales(Backend& b, KvBlocks& kv, int64_t groups, int64_t split) {
  const bool alias = kv.v.buffer() == kv.k.buffer();
  kv.k_scale = b.alloc(Elem::F32, {kv.k.dim(0), kv.k.dim(1), kv.k.dim(2), groups});
  kv.v_scale =
      alias ? kv.k_scale : b.alloc(Elem::F32, {kv.v.dim(0), kv.v.dim(1), kv.v.dim(2), groups});
  kv.scale_split = groups == 2 ? split : 0;
}

}  // namespace archscope
