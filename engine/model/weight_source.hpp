// Where weight values come from: a Hugging Face checkpoint or a seeded generator. The builder
// (build_weights.cpp) asks for every tensor by its Hugging Face name (without the "model." /
// "language_model." prefix) and exact HF shape, so both sources share the HF layout and the
// builder's reordering code.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "backend/tensor.hpp"

namespace archscope {

enum class TensorRole {
  Matrix,       // projection / expert / router weight; fan_in says its input width
  Embedding,    // token table (and untied LM head)
  Norm,         // norm weight used as w (around 1)
  NormOffset,   // norm weight used as 1 + w (around 0)
  Bias,         // additive bias, selection bias
  Conv,         // depthwise conv taps
  Sinks,        // attention sink logits
  DecayLog,     // Gated DeltaNet A_log
  DecayBias,    // Gated DeltaNet dt_bias
};

struct TensorRequest {
  std::string name;  // HF name without the model prefix, e.g. "layers.0.self_attn.q_proj.weight"
  Shape shape;
  TensorRole role = TensorRole::Matrix;
  int64_t fan_in = 0;  // Matrix / Embedding: input width (for the generator's scale)
  bool top_level = false;  // lm_head.weight lives outside "model."
};

class WeightSource {
 public:
  virtual ~WeightSource() = default;
  virtual bool has(const TensorRequest& request) const = 0;
  // fp32 values, row-major in `request.shape`. Throws Error naming the tensor when it is missing
  // or its shape / dtype disagrees with the config.
  virtual std::vector<float> read(const TensorRequest& request) = 0;
  // The same values, handed to sink(values, count) in row-major order, each call whole rows
  // (of shape.back() values) and at most max_values values unless one row is longer, so a
  // builder can convert and upload them without a full-size fp32 copy. The default reads the
  // whole tensor and hands it over at once; the seeded generator streams.
  virtual void read_chunked(const TensorRequest& request, int64_t /*max_values*/,
                            const std::function<void(const float*, int64_t)>& sink) {
    const std::vector<float> v = read(request);
    sink(v.data(), static_cast<int64_t>(v.size()));
  }
  // The tensor's stored values handed over as they are, when the source already holds them at
  // element type `elem` in the requested row-major layout (a bf16 checkpoint loaded as bf16):
  // sink(data, count) in pieces of whole rows, at most max_values values each unless one row is
  // longer; the data is valid during the call only. Returns false, handing over nothing, when
  // the values must be converted or rearranged (then use read / read_chunked).
  virtual bool read_stored(const TensorRequest& /*request*/, Elem /*elem*/, int64_t /*max_values*/,
                           const std::function<void(const void*, int64_t)>& /*sink*/) {
    return false;
  }
  // Called once every tensor was read: the HF source reports unexpected tensors here.
  virtual void finish() {}
};

}  // namespace archscope
