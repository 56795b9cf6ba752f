// Internal to the HF weight source: a requested tensor that the checkpoint stores in a published
// quantized layout (hf/hf_quantization.hpp names the two), found, validated against the request
// and the config's quantization_config, and decoded to fp32 a piece at a time.
//   MXFP4 (gpt-oss): the request `X` [E, in, out] (the x @ W form GptOssExperts uses) is stored
//     as X_blocks [E, out, in/32, 16] U8 and X_scales [E, out, in/32] U8; transformers'
//     convert_moe_packed_tensors decodes [E, out, in] and transposes dims 1 and 2, as decode()
//     does. gpt-oss's interleaved gate/up columns are the `out` rows in stored order, unchanged.
//   FP8 (DeepSeek-V3): the request `X.weight` [N, K] stored F8_E4M3 with X.weight_scale_inv
//     [ceil(N/128), ceil(K/128)] F32 beside it.
// decode() is the one seam between a published quantized tensor and our weights: a packed-weight
// loader can take PackedTensor's views as they are instead of decoding them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "hf/hf_quantization.hpp"
#include "model/weight_source.hpp"
#include "weights/safetensors.hpp"

namespace archscope::model_detail {

struct PackedTensor {
  enum class Kind { None, Mxfp4, Fp8Block };
  Kind kind = Kind::None;
  const TensorView* values = nullptr;  // X_blocks, or the F8_E4M3 weight
  const TensorView* scales = nullptr;  // X_scales, or X.weight_scale_inv (nullptr when missing)
  std::string scales_name;             // the companion's name (for the error when it is missing)
  explicit operator bool() const { return kind != Kind::None; }
};

// The packed form of checkpoint name `name` (with the model prefix), or Kind::None when it is
// stored as a plain tensor or not at all. Never throws: validation is check().
PackedTensor find_packed(const SafetensorsModel& model, const std::string& name);

// Throws Error naming the tensor and its file when the packed tensor disagrees with the request
// (shape, dtype, a missing companion) or with the config (no quantization_config, another
// quant_method, an unsupported layout).
void check_packed(const PackedTensor& p, const TensorRequest& request,
                  const std::optional<CheckpointQuant>& quant, const std::string& config_where);

// The request's values in its row-major shape, handed to sink(values, count) in pieces of whole
// rows of request.shape.back() values, at most max_values each unless one row is longer; each
// piece's mapped pages are released once decoded. check_packed must have passed.
void decode_packed(const PackedTensor& p, const TensorRequest& request,
                   const CheckpointQuant& quant, int64_t max_values,
                   const std::function<void(const float*, int64_t)>& sink);

// Bytes the packed tensor takes in the checkpoint (values + scales).
uint64_t packed_bytes(const PackedTensor& p);

}  // namespace archscope::model_detail
