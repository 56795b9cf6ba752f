#include "generate/perplexity.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <string>

#include "common/error.hpp"
#include "generate/token_ids.hpp"

namespace archscope {

std::vector<Window> perplexity_windows(int64_t tokens, const PerplexityOptions& o) {
  if (o.context < 2)
    throw Error(ErrorKind::Validation, "--context",
                "must be at least 2, got " + std::to_string(o.context));
  if (o.stride < 1 || o.stride > o.context) {
    throw Error(ErrorKind::Validation, "--stride",
                "must be between 1 and --context (" + std::to_string(o.context) + "), got " +
                    std::to_string(o.stride));
  }
  std::vector<Window> out;
  int64_t prev_end = 0;
  for (int64_t begin = 0; begin < tokens; begin += o.stride) {
    const int64_t end = std::min(begin + o.context, tokens);
    const int64_t target = end - prev_end;  // the guide's trg_len
    const int64_t first =
        std::max(begin + 1, end - target);  // the shift drops the window's first label
    if (first < end) out.push_back({begin, end, first});
    prev_end = end;
    if (end == tokens) break;
  }
  return out;
}

namespace {
// log-softmax of one logits row in float64.
void log_softmax(std::span<const float> row, std::vector<double>& out) {
  out.resize(row.size());
  double m = -INFINITY;
  for (float x : row) m = std::max(m, static_cast<double>(x));
  double sum = 0;
  for (float x : row) sum += std::exp(static_cast<double>(x) - m);
  const double lse = m + std::log(sum);
  for (size_t i = 0; i < row.size(); ++i) out[i] = static_cast<double>(row[i]) - lse;
}

void check_finite(std::span<const float> row, int64_t position, const char* which) {
  for (float x : row) {
    if (!std::isfinite(x)) {
      throw Error(ErrorKind::Internal, which,
                  "non-finite logit predicting token " + std::to_string(position));
    }
  }
}
}  // namespace

PerplexityResult compute_perplexity(StepModel& model, StepModel* reference,
                                    const std::vector<int32_t>& tokens, const PerplexityOptions& o,
                                    ProgressLine& progress, const std::function<double()>& now) {
  const int64_t n = static_cast<int64_t>(tokens.size());
  if (n < 2)
    throw Error(ErrorKind::Validation, "text",
                "needs at least 2 tokens for a perplexity, got " + std::to_string(n));
  const int64_t vocab = model.vocab_size();
  check_token_ids(tokens, vocab, "text");
  if (reference != nullptr && reference->vocab_size() != vocab) {
    throw Error(ErrorKind::Validation, "--kl-reference",
                "vocabulary " + std::to_string(reference->vocab_size()) +
                    " differs from the model's " + std::to_string(vocab));
  }
  const std::vector<Window> windows = perplexity_windows(n, o);
  PerplexityResult r;
  r.tokens = n;
  r.windows = static_cast<int64_t>(windows.size());
  KlStats kl;
  double kl_sum = 0;
  const double t0 = now();
  std::vector<float> logits, ref_logits;
  std::vector<double> lp, ref_lp;
  const auto v = static_cast<size_t>(vocab);
  for (const Window& w : windows) {
    const int64_t seq = model.add_sequence();
    const int64_t ref_seq = reference ? reference->add_sequence() : -1;
    for (int64_t c0 = w.begin; c0 < w.end; c0 += o.chunk) {
      const int64_t c1 = std::min(c0 + o.chunk, w.end);
      // Rows of this chunk predict tokens c0 + 1 .. c1; skip chunks that predict nothing scored.
      const auto chunk =
          std::span(tokens).subspan(static_cast<size_t>(c0), static_cast<size_t>(c1 - c0));
      model.prefill(seq, chunk, /*all_rows=*/true, logits);
      if (reference) reference->prefill(ref_seq, chunk, /*all_rows=*/true, ref_logits);
      for (int64_t p = c0; p < c1; ++p) {
        const int64_t target = p + 1;  // row p predicts token p + 1
        if (target < w.first_scored || target >= w.end) continue;
        const auto row = std::span<const float>(logits).subspan(static_cast<size_t>(p - c0) * v, v);
        check_finite(row, target, "model");
        log_softmax(row, lp);
        r.nll_sum -= lp[static_cast<size_t>(tokens[static_cast<size_t>(target)])];
        ++r.scored;
        if (reference) {
          const auto ref_row =
              std::span<const float>(ref_logits).subspan(static_cast<size_t>(p - c0) * v, v);
          check_finite(ref_row, target, "--kl-reference");
          log_softmax(ref_row, ref_lp);
          double d = 0;
          for (size_t k = 0; k < v; ++k) d += std::exp(ref_lp[k]) * (ref_lp[k] - lp[k]);
          d = std::max(d, 0.0);  // rounding can leave -1e-17 for identical distributions
          kl_sum += d;
          if (d > kl.max || kl.max_position < 0) kl.max = d, kl.max_position = target;
        }
      }
    }
    model.free_sequence(seq);
    if (reference) reference->free_sequence(ref_seq);
    progress.update("perplexity", r.scored, n - 1, now() - t0);
  }
  progress.finish("perplexity", r.scored, n - 1, now() - t0);
  r.nll_mean = r.nll_sum / static_cast<double>(r.scored);
  r.perplexity = std::exp(r.nll_mean);
  if (reference) {
    kl.mean = kl_sum / static_cast<double>(r.scored);
    r.kl = kl;
  }
  return r;
}

}  // namespace archscope
