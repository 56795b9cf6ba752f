// Perplexity of a token sequence with a sliding window, as Hugging Face's perplexity guide
// computes it ("Perplexity of fixed-length models", transformers docs): windows of `context`
// tokens start every `stride` tokens; each window scores only the tokens the previous window did
// not reach (its last `stride` tokens, all of the first window but its first token), each
// predicted from the tokens before it inside the window. Every token but the first is scored
// exactly once, and PPL = exp(mean NLL over the scored tokens). (The guide weights each window's
// mean loss by its label count minus one, which equals this token mean only for the first window;
// we weight every token equally, which is the definition PPL = exp(-1/t Σ log p(x_i | x_<i)).)
//
// With a reference model the same windows also run through it, and the KL divergence
// KL(P_ref || P) = Σ_v p_ref(v) (log p_ref(v) - log p(v)) of the two next-token distributions is
// taken at every scored position (llama.cpp's --kl-divergence convention: the reference is the
// distribution the tested one is compared against). Log-softmax and KL are computed in float64.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "generate/progress.hpp"
#include "generate/step_model.hpp"

namespace archscope {

struct PerplexityOptions {
  int64_t context = 1024;  // window length in tokens (>= 2)
  int64_t stride = 512;    // window start step (1 <= stride <= context)
  int64_t chunk = 128;     // tokens per prefill call inside a window (bounds the logits held)
};

struct KlStats {
  double mean = 0;
  double max = 0;
  int64_t max_position = -1;  // token index of the largest KL
};

struct PerplexityResult {
  int64_t tokens = 0;  // length of the sequence
  int64_t scored = 0;  // tokens scored (tokens - 1)
  int64_t windows = 0;
  double nll_sum = 0;  // Σ -log p(x_i | window context), natural log
  double nll_mean = 0;
  double perplexity = 0;
  std::optional<KlStats> kl;  // with a reference model
};

// The windows as (begin, end, first scored index): tokens [begin, end) run, tokens [first, end)
// scored. Throws Error(Validation) naming --context / --stride for a bad option.
struct Window {
  int64_t begin, end, first_scored;
};
std::vector<Window> perplexity_windows(int64_t tokens, const PerplexityOptions& options);

// Throws Error(Validation, "text") for fewer than 2 tokens, and what the models throw. Progress
// ("perplexity" tokens scored of total) goes to `progress`.
PerplexityResult compute_perplexity(StepModel& model, StepModel* reference,
                                    const std::vector<int32_t>& tokens,
                                    const PerplexityOptions& options, ProgressLine& progress,
                                    const std::function<double()>& now);

}  // namespace archscope
