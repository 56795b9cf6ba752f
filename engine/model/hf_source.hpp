// Weight source over a Hugging Face safetensors checkpoint (single file or sharded). Resolves the
// prefixes of text-only and multimodal checkpoints ("model.", "model.language_model.",
// "language_model.model.") once, checks dtype and shape of every tensor read, and at finish()
// lists every tensor of the checkpoint that was never read (except the ones a text model
// legitimately ignores: vision towers, projectors, MTP layers, rotary buffers).
// GPT-2 checkpoints (wte / wpe / h.N.ln_1 / fused attn.c_attn / Conv1D [in, out] weights) are
// presented under the Llama-style names and [out, in] shapes the builder asks for, so the builder
// and the random source keep one naming; the split and transposition happen in read().
// The checkpoint stays mapped, but every tensor's pages are given back once converted or copied
// (release_pages), so a load's peak memory is the weights plus a bounded piece, not twice them.
// Checkpoints published quantized (config.json quantization_config: gpt-oss MXFP4, DeepSeek-V3
// FP8 128 x 128 blocks; hf/hf_quantization.hpp) are dequantized tensor by tensor as they are read
// (model/hf_packed.hpp): the builder asks for `X` / `X.weight` and gets fp32 values of X_blocks +
// X_scales or X.weight + X.weight_scale_inv, which then count as used.
#pragma once

#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "hf/hf_quantization.hpp"
#include "model/hf_packed.hpp"
#include "model/weight_quant.hpp"
#include "model/weight_source.hpp"
#include "weights/safetensors.hpp"

namespace archscope {

class HfWeightSource final : public WeightSource {
 public:
  // n_layers: tensors of layers >= n_layers (MTP modules) are ignored, not unexpected. The
  // checkpoint's quantization comes from <dir>/config.json (none when the directory has none).
  HfWeightSource(const std::filesystem::path& dir, int64_t n_layers);
  HfWeightSource(const std::filesystem::path& dir, int64_t n_layers, std::optional<CheckpointQuant> quant);
  const std::optional<CheckpointQuant>& checkpoint_quant() const { return quant_; }
  // The published quantized tensors read so far (format, count, elements, checkpoint bytes);
  // nullopt when none was.
  const std::optional<CheckpointFormat>& published() const { return published_; }
  bool has(const TensorRequest& request) const override;
  std::vector<float> read(const TensorRequest& request) override;
  // Converts rows of whole tensors a bounded piece at a time (GPT-2's fused / transposed ones as
  // read() does). Every piece's mapped pages are released once converted.
  void read_chunked(const TensorRequest& request, int64_t max_values,
                    const std::function<void(const float*, int64_t)>& sink) override;
  // A whole tensor stored at `elem` (F32 / BF16 / F16) in its requested shape: the mapped bytes,
  // piece by piece, each piece's pages released after the sink returns.
  bool read_stored(const TensorRequest& request, Elem elem, int64_t max_values,
                   const std::function<void(const void*, int64_t)>& sink) override;
  void finish() override;

 private:
  // Where a requested tensor lives in the checkpoint: the whole tensor `name`, or for GPT-2
  // part `part` of `parts` equal output slices (q/k/v of c_attn), stored [in, out] when conv1d.
  struct Location {
    std::string name;  // "" when absent
    int part = 0, parts = 1;
    bool conv1d = false;
    model_detail::PackedTensor packed{};  // stored in a published quantized layout
  };
  Location locate(const TensorRequest& request) const;
  // The stored tensor of a request, checked (float dtype, shape) and marked as used.
  const TensorView& checked_view(const TensorRequest& request, const Location& location);
  Location gpt2_location(const std::string& name) const;
  // Validates a packed location against the request and the config, marks it used and counts it.
  void checked_packed(const TensorRequest& request, const Location& location);
  std::string resolve(const TensorRequest& request) const;  // "" when absent
  bool ignorable(const std::string& name) const;

  std::string where_;
  std::unique_ptr<SafetensorsModel> model_;
  std::string prefix_;       // in front of "layers.", "embed_tokens.", "norm."
  std::string head_prefix_;  // in front of "lm_head."
  bool gpt2_ = false;        // GPT-2 names and Conv1D layouts (wte.weight found, no embed_tokens)
  int64_t n_layers_ = 0;
  std::set<std::string> used_;
  std::optional<CheckpointQuant> quant_;
  std::optional<CheckpointFormat> published_;
};

}  // namespace archscope
