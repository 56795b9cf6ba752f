#include "quant_eval/quant_eval.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "common/error.hpp"
#include "kv/kv_dtype.hpp"
#include "plan/analysis.hpp"
#include "plan/plan.hpp"
#include "quant_eval/activation_probe.hpp"
#include "stack/model_stack.hpp"

namespace archscope::quant_eval {

namespace {

// log-softmax of one row in float64 (max-shifted).
void log_softmax(const float* x, int64_t n, std::vector<double>& out) {
  out.resize(static_cast<size_t>(n));
  double m = -std::numeric_limits<double>::infinity();
  for (int64_t i = 0; i < n; ++i) m = std::max(m, static_cast<double>(x[i]));
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += std::exp(static_cast<double>(x[i]) - m);
  const double lse = m + std::log(sum);
  for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = static_cast<double>(x[i]) - lse;
}

int64_t argmax(const float* x, int64_t n) {
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i)
    if (x[i] > x[best]) best = i;
  return best;
}

struct ModelRun {
  std::vector<float> logits;                  // [T, vocab]
  std::vector<std::vector<float>> residuals;  // per layer [T * d]
  std::vector<quant::ActivationOutlier> outliers;
  WeightQuantization quantization;
};

ModelRun run_model(const ModelConfig& config, const EvalOptions& o,
                   const std::vector<int32_t>& tokens, std::optional<quant::Format> scheme,
                   bool outliers, Elem kv = Elem::F32, KvErrorSums* kv_error = nullptr,
                   const std::string& what = "") {
  ModelStackOptions so;
  so.backend = o.backend;
  so.threads = o.threads;
  so.hf_dir = o.hf_dir;
  so.random.seed = o.seed;
  so.weights = Elem::F32;
  so.weights_quant = scheme;
  so.kv = kv;
  so.max_sequences = 1;
  so.max_tokens = static_cast<int64_t>(tokens.size());
  so.max_step_tokens = 0;  // one prefill of every token
  ActivationProbe* probe = nullptr;
  ModelStack stack(config, so,
                   !what.empty() ? what
                   : scheme      ? quant::to_string(*scheme)
                                 : "source model",
                   [&probe](Backend& device) {
                     auto p = std::make_unique<ActivationProbe>(device);
                     probe = p.get();
                     return p;
                   });
  probe->set_record_outliers(outliers);
  probe->set_kv_error(kv_error);
  stack.model().set_observer(probe);
  const int64_t seq = stack.cache().add_sequence();
  ModelRun r;
  r.logits = stack.model().forward_host(stack.cache(), {{seq, tokens}}, LogitRows::All);
  stack.model().set_observer(nullptr);
  r.residuals = probe->residuals();
  if (outliers) r.outliers = probe->outliers();
  r.quantization = stack.weights().quantization;
  return r;
}

// Bits per cached K / V (or MLA row) element with the scales, over the layers that cache.
double kv_bits_per_element(const ModelConfig& config, Elem e) {
  uint64_t bytes = 0, elements = 0;
  for (const LayerSpec& l : expand_layers(config)) {
    if (l.attention == AttentionKind::Linear) continue;
    bytes += kv_token_bytes(l.attention, config, e);
    elements +=
        kv_token_bytes(l.attention, config, Elem::F32) / 4;  // fp32: 4 bytes an element, no scales
  }
  return elements ? 8.0 * static_cast<double>(bytes) / static_cast<double>(elements) : 0.0;
}

double relative_l2(const std::vector<float>& ref, const std::vector<float>& x) {
  double num = 0, den = 0;
  for (size_t i = 0; i < ref.size() && i < x.size(); ++i) {
    const double e = static_cast<double>(x[i]) - ref[i];
    num += e * e;
    den += static_cast<double>(ref[i]) * ref[i];
  }
  return den > 0 ? std::sqrt(num / den) : 0.0;
}

}  // namespace

LogitComparison compare_logits(const std::vector<float>& source, const std::vector<float>& test,
                               int64_t vocab) {
  if (vocab < 1 || source.size() != test.size() || source.size() % static_cast<size_t>(vocab) != 0)
    throw Error(ErrorKind::Internal, "quant", "logit sets of different shapes");
  const int64_t rows = static_cast<int64_t>(source.size()) / vocab;
  LogitComparison c;
  std::vector<double> lp, lq;
  double kl_sum = 0;
  int64_t agree = 0;
  for (int64_t t = 0; t < rows; ++t) {
    const float* ps = source.data() + t * vocab;
    const float* pt = test.data() + t * vocab;
    log_softmax(ps, vocab, lp);
    log_softmax(pt, vocab, lq);
    double kl = 0;
    for (int64_t v = 0; v < vocab; ++v) {
      const double p = std::exp(lp[static_cast<size_t>(v)]);
      if (p > 0) kl += p * (lp[static_cast<size_t>(v)] - lq[static_cast<size_t>(v)]);
    }
    kl = std::max(kl, 0.0);  // rounding can leave a tiny negative for identical rows
    kl_sum += kl;
    if (c.kl_max_position < 0 || kl > c.kl_max) {
      c.kl_max = kl;
      c.kl_max_position = t;
    }
    if (argmax(ps, vocab) == argmax(pt, vocab)) ++agree;
  }
  if (rows > 0) {
    c.kl_mean = kl_sum / static_cast<double>(rows);
    c.top1_agreement = static_cast<double>(agree) / static_cast<double>(rows);
  }
  return c;
}

double teacher_forced_perplexity(const std::vector<float>& logits,
                                 const std::vector<int32_t>& tokens, int64_t vocab) {
  const int64_t T = static_cast<int64_t>(tokens.size());
  if (T < 2 || static_cast<int64_t>(logits.size()) != T * vocab)
    throw Error(ErrorKind::Internal, "quant",
                "perplexity needs [T, vocab] logits of T >= 2 tokens");
  std::vector<double> lp;
  double nll = 0;
  for (int64_t t = 0; t + 1 < T; ++t) {
    log_softmax(logits.data() + t * vocab, vocab, lp);
    nll -= lp[static_cast<size_t>(tokens[static_cast<size_t>(t + 1)])];
  }
  return std::exp(nll / static_cast<double>(T - 1));
}

quant::EvalResult evaluate(const ModelConfig& config, const EvalOptions& o,
                           const std::vector<int32_t>& tokens,
                           const std::function<void(const std::string&)>& progress) {
  if (o.schemes.empty() && o.kv_dtypes.empty())
    throw Error(ErrorKind::Validation, "--schemes",
                "name at least one weight scheme or KV dtype (--kv-dtypes)");
  for (Elem e : o.kv_dtypes)
    if (!kv_quantized(e))
      throw Error(ErrorKind::Validation, "--kv-dtypes",
                  std::string(to_string(e)) + " is not a quantized KV dtype; use int8, fp8");
  const int64_t T = static_cast<int64_t>(tokens.size());
  if (T < 2)
    throw Error(ErrorKind::Validation, "tokens", "the measurement needs at least 2 tokens");
  if (config.max_context > 0 && T > config.max_context)
    throw Error(ErrorKind::Validation, "tokens",
                std::to_string(T) + " tokens exceed the model's context of " +
                    std::to_string(config.max_context));
  for (int32_t t : tokens)
    if (t < 0 || t >= config.vocab_size)
      throw Error(ErrorKind::Validation, "tokens",
                  "id " + std::to_string(t) + " is outside the vocabulary");
  const auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  const int64_t V = config.vocab_size;
  PlanOptions po;
  po.phase = Phase::Prefill;
  po.tokens = 1;
  const uint64_t params = totals(build_plan(config, po)).params;

  quant::EvalResult result;
  result.model = config.name;
  result.tokens = T;
  result.source_dtype = "fp32";
  result.source_bytes = params * 2;
  say("source model: " + std::to_string(T) +
      " tokens teacher forced, activation outliers recorded");
  const ModelRun src = run_model(config, o, tokens, std::nullopt, /*outliers=*/true);
  result.outliers = src.outliers;
  if (o.perplexity) result.source_perplexity = teacher_forced_perplexity(src.logits, tokens, V);
  int64_t done = 0;
  const size_t total = o.schemes.size() + o.kv_dtypes.size();
  for (quant::Format f : o.schemes) {
    ++done;
    say(std::string(quant::to_string(f)) + " (" + std::to_string(done) + " of " +
        std::to_string(total) + "): quantizing the weights and running the same tokens");
    const ModelRun q = run_model(config, o, tokens, f, /*outliers=*/false);
    quant::SchemeResult s;
    s.scheme = quant::to_string(f);
    s.bits_per_weight = q.quantization.bits_per_weight();
    s.quantized_bytes = (q.quantization.quantized_bits() + 7) / 8;
    const uint64_t other = params - static_cast<uint64_t>(q.quantization.quantized_elements());
    s.total_bytes = s.quantized_bytes + other * 2;
    for (const QuantizedTensor& t : q.quantization.tensors)
      s.tensors.push_back({t.name, t.layer, t.elements, t.signal, t.noise});
    for (size_t l = 0; l < src.residuals.size() && l < q.residuals.size(); ++l)
      s.layer_rel_l2.push_back(relative_l2(src.residuals[l], q.residuals[l]));
    const LogitComparison c = compare_logits(src.logits, q.logits, V);
    s.kl_mean = c.kl_mean;
    s.kl_max = c.kl_max;
    s.kl_max_position = c.kl_max_position;
    s.top1_agreement = c.top1_agreement;
    if (o.perplexity) s.perplexity = teacher_forced_perplexity(q.logits, tokens, V);
    result.schemes.push_back(std::move(s));
  }
  for (Elem e : o.kv_dtypes) {
    ++done;
    const std::string name = std::string(quant::kKvSchemePrefix) + to_string(e);
    say(name + " (" + std::to_string(done) + " of " + std::to_string(total) +
        "): source weights, the KV cache in " + to_string(e) + ", the same tokens");
    KvErrorSums sums(e == Elem::INT8 ? quant::KvCode::Int8 : quant::KvCode::Fp8);
    const ModelRun q =
        run_model(config, o, tokens, std::nullopt, /*outliers=*/false, e, &sums, name);
    quant::SchemeResult s;
    s.scheme = name;
    s.bits_per_weight = kv_bits_per_element(config, e);
    s.quantized_bytes = s.total_bytes = kv_bytes_at_context(config, T, 1, dtype_of(e));
    s.tensors = sums.layers();
    for (size_t l = 0; l < src.residuals.size() && l < q.residuals.size(); ++l)
      s.layer_rel_l2.push_back(relative_l2(src.residuals[l], q.residuals[l]));
    const LogitComparison c = compare_logits(src.logits, q.logits, V);
    s.kl_mean = c.kl_mean;
    s.kl_max = c.kl_max;
    s.kl_max_position = c.kl_max_position;
    s.top1_agreement = c.top1_agreement;
    if (o.perplexity) s.perplexity = teacher_forced_perplexity(q.logits, tokens, V);
    result.schemes.push_back(std::move(s));
  }
  return result;
}

}  // namespace archscope::quant_eval
