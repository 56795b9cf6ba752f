// Weight-only quantization applied at load time (issue 12, §1): with a scheme, every block linear
// weight — attention q/k/v/o (MLA's q_a, q_b, kv_a, kv_b too), the linear-attention projections
// (in_proj_qkvz, in_proj_ba, out_proj), dense FFN, routed and shared experts (fused gate_up too)
// — is quantized to the scheme. Where the backend runs the scheme's packed layout
// (Backend::supports_packed(packed_elem(scheme)): every scheme on the CPU, every scheme but
// fp8-e4m3-block128 on CUDA) the weights are held
// packed (quant/packed_layout.hpp) and only the packed bytes stay resident; otherwise they are
// dequantized again into fp32, so memory holds dequantized weights. Either way a layer computes
// with exactly ŵ. MLA's derived matrices (absorbed W_uk^T, kv_b's k and v parts) are cut from the
// dequantized kv_b and held at the weights dtype, never packed. Embeddings, the
// LM head, norms, biases, routers, shared-expert gates, conv1d, sinks, A_log and dt_bias keep the
// source precision. Each checkpoint tensor is quantized as the layer applies it, [N, K] with
// blocks along K (fused x @ W expert tensors [E, K, N] per expert, after the transpose), before
// any derived tensor is cut from it (MLA's absorbed W_uk^T / W_uv come from the quantized kv_b).
//
// The load records, per quantized checkpoint tensor, Σw² and Σ(w−ŵ)² in float64 (the weight SQNR),
// the scheme's exact storage bits and the bits its packed layout holds.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "backend/tensor.hpp"
#include "quant/formats.hpp"

namespace archscope {

struct QuantizedTensor {
  std::string
      name;  // the builder's (HF-layout) tensor name, e.g. "layers.0.self_attn.q_proj.weight"
  int64_t layer = -1;  // from "layers.<i>."; -1 outside the layers
  int64_t elements = 0;
  double signal = 0;          // Σ w²
  double noise = 0;           // Σ (w − ŵ)²
  uint64_t storage_bits = 0;  // values + every scale and zero point, partial blocks whole
  // The bits of the scheme's packed layout (quant/held_bits.hpp: what a packed run holds).
  uint64_t held_bits = 0;
  // 10·log10(signal / noise) dB; +inf when ŵ = w exactly, NaN for an all-zero tensor.
  double sqnr_db() const;
};

// A checkpoint published quantized (hf/hf_quantization.hpp: gpt-oss MXFP4, DeepSeek-V3 FP8
// blocks), dequantized at load into the weights dtype: its format, and the packed tensors read.
struct CheckpointFormat {
  quant::Format format = quant::Format::Mxfp4;
  int64_t tensors = 0;   // checkpoint tensors stored packed (an MXFP4 fused expert stack is one)
  int64_t elements = 0;  // weights they hold
  uint64_t bytes = 0;    // their bytes in the checkpoint: values and scales
  double bits_per_weight() const { return elements ? 8.0 * static_cast<double>(bytes) / static_cast<double>(elements) : 0.0; }
};

struct WeightQuantization {
  std::optional<quant::Format> scheme;   // absent: every weight at the source precision
  std::optional<CheckpointFormat> checkpoint;  // the checkpoint's own published format, if any
  bool packed = false;  // the quantized weights are held packed (else dequantized in fp32)
  std::vector<QuantizedTensor> tensors;  // in load order
  int64_t quantized_elements() const;
  uint64_t quantized_bits() const;
  // quantized_bits / quantized_elements: the scheme's true bits per weight on this model.
  double bits_per_weight() const;
  // The packed layout's bits summed (quant/held_bits.hpp): the resident bytes * 8 of a packed
  // load (int4-g128 and fp8-e4m3-block128 hold more than the format's count, partial blocks whole).
  uint64_t held_bits() const;
};

// The packed element type of a scheme (q8_0 -> Q8_0, q4_0 -> Q4_0, int4-g128 -> INT4_G128,
// nf4 -> NF4, mxfp4 -> MXFP4, int8-channel -> INT8_CHANNEL, fp8-e4m3-channel -> FP8_CHANNEL,
// fp8-e4m3-block128 -> FP8_BLOCK128). Whether a backend runs the packed element is
// Backend::supports_packed's answer.
std::optional<Elem> packed_elem(quant::Format scheme);
// The inverse of packed_elem: the format a packed element holds (nullopt for the others).
std::optional<quant::Format> packed_format(Elem e);
// "q8_0, q4_0, ...": the schemes packed_elem maps, for help texts and messages.
std::string packed_scheme_names();

// The layer index of a "layers.<i>." name, -1 otherwise.
int64_t layer_of_tensor(const std::string& name);

// ŵ of the [N, K] matrix w into w, with its statistics added to `record` (name and layer set by
// the caller; several calls accumulate, e.g. one per expert of a fused tensor).
void quantize_matrix(quant::Format scheme, std::span<float> w, int64_t N, int64_t K,
                     QuantizedTensor& record);
// The statistics of quantize_matrix only; w keeps its values (the packer quantizes them).
void record_quantization(quant::Format scheme, std::span<const float> w, int64_t N, int64_t K,
                         QuantizedTensor& record);

}  // namespace archscope
