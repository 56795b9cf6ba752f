// Storage data types for weights and the KV cache. Sizes are in bits so sub-byte formats (int4)
// are exact; quantized formats' per-group scales are accounted separately by the plan.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace archscope {

enum class DType { F32, BF16, F16, FP8, INT8, INT4 };

int dtype_bits(DType t);
double dtype_bytes(DType t);  // bits / 8, so int4 is 0.5
bool dtype_is_quantized(DType t);  // fp8/int8/int4: applied to matmul weights only
const char* to_string(DType t);    // "fp32", "bf16", "fp16", "fp8", "int8", "int4"
std::optional<DType> parse_dtype(std::string_view s);  // accepts the names above and "f32"/"float32"
std::string dtype_names();  // "fp32|bf16|fp16|fp8|int8|int4" for help texts and errors

}  // namespace archscope
