// Chart models of a quantization measurement (`archscope quant`, the report's quantization
// section): error growth through depth, weight SQNR per layer, and KL against bits per weight.
#pragma once

#include "charts/line_chart.hpp"
#include "quant/eval_result.hpp"

namespace archscope::charts {

// Per scheme, the residual stream's relative L2 error after each layer (log y when every value
// is positive).
LineChart quant_depth_chart(const quant::EvalResult& r);
// Per scheme, the SQNR (dB) of each layer's quantized tensors together (layers without a finite
// figure left out).
LineChart quant_sqnr_chart(const quant::EvalResult& r);
// Mean KL(P_src || P_q) against bits per weight: one marker series per scheme, and a dashed
// "Pareto front" through the schemes no other scheme beats on both (fewer or equal bits and
// lower or equal KL, one of them strictly).
LineChart quant_pareto_chart(const quant::EvalResult& r);
// Indexes into r.schemes of the Pareto front, by increasing bits per weight.
std::vector<size_t> pareto_front(const quant::EvalResult& r);

}  // namespace archscope::charts
