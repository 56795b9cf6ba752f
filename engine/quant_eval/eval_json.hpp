// The JSON form of a quantization measurement (`archscope quant --json`): schemes[] with scheme,
// bits_per_weight, bytes, the logit statistics, layer_rel_l2[] and tensors[] (name, layer,
// elements, sqnr_db; sqnr_db is null where it is not finite: ŵ = w exactly, or an all-zero
// tensor), and the source run's outliers[].
#pragma once

#include <nlohmann/json.hpp>

#include "quant/eval_result.hpp"

namespace archscope::quant_eval {

nlohmann::json to_json(const quant::EvalResult& r);

}  // namespace archscope::quant_eval
