// The weight-SQNR view of a run with quantized weights (--weights-quant): per transformer layer,
// 10·log10(Σw² / Σ(w−ŵ)²) over all of the layer's quantized tensors (the sums combined, so a big
// tensor weighs by its elements, not a mean of dBs), its worst tensor, and the scheme with its
// true bits per weight on this model (scales and zero points included). Output error per layer and
// logits KL need a source-precision reference run: `archscope quant` measures them teacher-forced.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/events.hpp"

namespace archscope::views::live {

struct LayerSqnr {
  int64_t layer = 0;
  int64_t tensors = 0;       // quantized tensors of the layer
  int64_t elements = 0;      // their weights
  double signal = 0;         // Σ w² over them
  double noise = 0;          // Σ (w − ŵ)² over them
  double sqnr_db = 0;        // 10·log10(signal / noise); +inf when noise is 0, NaN when both are
  std::string worst_tensor;  // lowest SQNR of the layer (empty when every tensor is all-zero)
  double worst_sqnr_db = 0;
};

struct WeightSqnrView {
  std::string scheme;  // e.g. "q8_0"; empty: no quantized weights
  double bits_per_weight = 0;
  int64_t tensors = 0;            // quantized tensors over the model
  std::vector<LayerSqnr> layers;  // ascending layer; tensors outside the layers are not drawn
  double min_db = 0, max_db = 0;  // over the layers' finite SQNRs (0, 0 when none)
};

// 10·log10(signal / noise) dB: +inf when noise is 0, NaN when signal is 0 too.
double sqnr_db(double signal, double noise);

WeightSqnrView weight_sqnr(const prof::WeightsQuantized& q);

}  // namespace archscope::views::live
