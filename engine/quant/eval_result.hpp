// What `archscope quant` measures (issue 12, §3), as plain data: the engine computes it
// (engine/quant_eval), the store keeps it (profiler/store/quant_table), the report and the CLI
// show it. No engine types, so every layer above can hold it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace archscope::quant {

// One quantized checkpoint tensor: the two float64 sums of its weight SQNR.
struct TensorError {
  std::string name;  // the checkpoint's tensor name (HF layout, without the "model." prefix)
  int64_t layer = -1;
  int64_t elements = 0;
  double signal = 0;  // Σ w²
  double noise = 0;   // Σ (w − ŵ)²
  // 10·log10(signal / noise) dB; +inf when ŵ = w, NaN for an all-zero tensor.
  double sqnr_db() const;
};

// A KV-cache measurement (`quant --kv-dtypes`) is a scheme named "kv-int8" / "kv-fp8": the
// source weights with that cache dtype. Its bits_per_weight is the bits per cached K / V element
// with the fp32 scales, quantized_bytes = total_bytes the KV cache (and any linear-attention
// state) at the measured context, and its tensors are one per layer, "layers.<i>.kv_cache", the
// SQNR sums over every cached K and V of the layer.
inline constexpr const char* kKvSchemePrefix = "kv-";

struct SchemeResult {
  std::string scheme;            // "q8_0", ..., or "kv-int8", "kv-fp8"
  double bits_per_weight = 0;    // over the quantized tensors, scales and zero points included
  uint64_t quantized_bytes = 0;  // the quantized tensors packed (bits rounded up once)
  uint64_t total_bytes = 0;      // + every other tensor at 16 bits (bf16, the source precision)
  std::vector<TensorError> tensors;
  std::vector<double>
      layer_rel_l2;  // per layer: ‖h_q − h_src‖₂ / ‖h_src‖₂ of the residual stream after it
  double kl_mean = 0;  // KL(P_src || P_q) per position, natural log, float64
  double kl_max = 0;
  int64_t kl_max_position = -1;
  double top1_agreement = 0;         // fraction of positions whose argmax agrees with the source's
  std::optional<double> perplexity;  // with a trained model and a text
};

bool is_kv_scheme(const SchemeResult& s);  // named kKvSchemePrefix + dtype

// Per-channel absmax of the input of one linear op of the source run (over every position):
// the largest channel against the median channel says how far outliers stand out.
struct ActivationOutlier {
  int64_t layer = 0;
  std::string op;  // the plan's op name ("q_proj", "experts", ...), "@K" added when one op has two
                   // input widths
  int64_t channels = 0;
  double absmax = 0;
  double median_absmax = 0;
  double ratio() const { return median_absmax > 0 ? absmax / median_absmax : 0.0; }
};

// Per layer 0 .. layers-1, the SQNR of all that layer's quantized tensors together,
// 10·log10(Σsignal / Σnoise) dB (NaN for a layer without quantized tensors).
std::vector<double> layer_sqnr_db(const SchemeResult& s, int64_t layers);

struct EvalResult {
  std::string model;
  int64_t tokens = 0;         // teacher-forced positions (every one scored for KL / top-1)
  std::string source_dtype;   // what the source run computed with ("fp32")
  uint64_t source_bytes = 0;  // every weight at 16 bits
  std::optional<double> source_perplexity;
  std::vector<SchemeResult> schemes;
  std::vector<ActivationOutlier> outliers;  // layer, then op order of the forward pass
  int64_t layers() const;                   // transformer layers the schemes' figures cover
};

}  // namespace archscope::quant
