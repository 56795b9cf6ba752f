// `archscope quant`'s measurement (issue 12, §3): the source-precision model and the model with
// each weight scheme run on the same tokens, teacher forced (one prefill of every token, logits
// of every position), and compared: per scheme the true bits per weight and bytes, per quantized
// tensor the weight SQNR, per layer the relative L2 error of the residual stream after the layer,
// for the logits KL(P_src || P_q) (mean, max), top-1 agreement and, for a trained model on a
// text, perplexity; and the source run's activation outliers (per-channel absmax of every linear
// op's input). Every model is held in fp32 (the schemes' dequantized weights, weight_quant.hpp),
// so the differences are the schemes' alone. Logit statistics are computed in float64.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "backend/tensor.hpp"
#include "config/model_config.hpp"
#include "quant/eval_result.hpp"
#include "quant/formats.hpp"
#include "registry/registry.hpp"

namespace archscope::quant_eval {

struct EvalOptions {
  BackendSpec backend;           // cpu, cuda:N
  std::filesystem::path hf_dir;  // empty: seeded random weights
  uint64_t seed = 0;             // random weights
  int threads = 0;               // 0: one per logical CPU
  std::vector<quant::Format> schemes;
  // KV-cache dtypes to measure (INT8, FP8; kv/kv_dtype.hpp): the source weights with each cache
  // dtype, reported as scheme "kv-int8" / "kv-fp8" (quant::is_kv_scheme): bits per cached element
  // with scales, the KV bytes at the measured context, per layer the KV SQNR over every cached K
  // and V (tensors "layers.<i>.kv_cache") and the residual error, and the logit statistics.
  std::vector<Elem> kv_dtypes;
  bool perplexity = false;  // a trained model on a text: report perplexity per model
};

// Teacher-forced logit statistics of `test` against `source`, both [T, vocab] row-major, in
// float64: KL(P_src || P_test) per row (mean, max and its row) and the fraction of rows whose
// argmax (first index of the largest logit) agrees.
struct LogitComparison {
  double kl_mean = 0, kl_max = 0;
  int64_t kl_max_position = -1;
  double top1_agreement = 0;
};
LogitComparison compare_logits(const std::vector<float>& source, const std::vector<float>& test,
                               int64_t vocab);
// exp(mean over t < T-1 of −log softmax(logits[t])[tokens[t+1]]), float64. T >= 2.
double teacher_forced_perplexity(const std::vector<float>& logits,
                                 const std::vector<int32_t>& tokens, int64_t vocab);

// Progress lines ("source model", "q8_0 (2 of 3)") go to `progress`. Throws what loading and the
// forward pass throw; Error(Validation, "--schemes") without schemes or KV dtypes,
// Error(Validation, "tokens") for fewer than 2 tokens or more than the model's context.
quant::EvalResult evaluate(const ModelConfig& config, const EvalOptions& options,
                           const std::vector<int32_t>& tokens,
                           const std::function<void(const std::string&)>& progress = {});

}  // namespace archscope::quant_eval
