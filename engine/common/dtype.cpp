#include "common/dtype.hpp"

namespace archscope {

int dtype_bits(DType t) {
  switch (t) {
    case DType::F32: return 32;
    case DType::BF16:
    case DType::F16: return 16;
    case DType::FP8:
    case DType::INT8: return 8;
    case DType::INT4: return 4;
  }
  return 0;
}

double dtype_bytes(DType t) { return dtype_bits(t) / 8.0; }

bool dtype_is_quantized(DType t) {
  return t == DType::FP8 || t == DType::INT8 || t == DType::INT4;
}

const char* to_string(DType t) {
  switch (t) {
    case DType::F32: return "fp32";
    case DType::BF16: return "bf16";
    case DType::F16: return "fp16";
    case DType::FP8: return "fp8";
    case DType::INT8: return "int8";
    case DType::INT4: return "int4";
  }
  return "?";
}

std::optional<DType> parse_dtype(std::string_view s) {
  if (s == "fp32" || s == "f32" || s == "float32") return DType::F32;
  if (s == "bf16" || s == "bfloat16") return DType::BF16;
  if (s == "fp16" || s == "f16" || s == "float16") return DType::F16;
  if (s == "fp8" || s == "f8" || s == "float8") return DType::FP8;
  if (s == "int8" || s == "i8") return DType::INT8;
  if (s == "int4" || s == "i4") return DType::INT4;
  return std::nullopt;
}

std::string dtype_names() { return "fp32|bf16|fp16|fp8|int8|int4"; }

}  // namespace archscope
