#include "generate/bench_model.hpp"

#include <string>

#include "common/error.hpp"
#include "plan/analysis.hpp"
#include "plan/plan.hpp"
#include "plan/slice_totals.hpp"

namespace archscope {

namespace {
PlanOptions options_for(const BenchShape& s, Phase phase) {
  PlanOptions o;
  o.phase = phase;
  o.batch = s.batch;
  o.weights = s.weights;
  o.kv = s.kv;
  o.activations = s.activations;
  o.weights_quant = s.weights_quant;
  return o;
}
}  // namespace

BenchModel bench_model(const ModelConfig& config, const BenchShape& shape,
                       const std::optional<LayerRange>& slice) {
  if (shape.prompt < 1) throw Error(ErrorKind::Validation, "--prompt", "must be at least 1");
  if (shape.new_tokens < 1) throw Error(ErrorKind::Validation, "--new", "must be at least 1");
  if (shape.batch < 1) throw Error(ErrorKind::Validation, "--batch", "must be at least 1");

  BenchModel m;
  PlanOptions prefill = options_for(shape, Phase::Prefill);
  prefill.tokens = shape.prompt;
  prefill.logits_last_only = true;  // generation samples from each prompt's last position only
  const PlanTotals p = slice_totals(build_plan(config, prefill), slice);
  m.weights_bytes = p.param_bytes;
  m.prefill_flops = static_cast<uint64_t>(p.flops);  // a prompt the engine runs: far below 2^64
  m.prefill_bytes = p.bytes_read + p.bytes_written;
  if (slice) {
    // The cache the slice's layers hold after prompt + new tokens: a prefill of that length.
    PlanOptions held = options_for(shape, Phase::Prefill);
    held.tokens = shape.prompt + shape.new_tokens;
    m.kv_bytes = slice_totals(build_plan(config, held), slice).kv_bytes_held;
  } else {
    m.kv_bytes =
        kv_bytes_at_context(config, shape.prompt + shape.new_tokens, shape.batch, shape.kv);
  }

  // Decode traffic grows with the context (sliding layers stop growing at their window), so sum
  // the exact plans of every step rather than assume linearity. One plan per step is cheap next
  // to running the step.
  double bytes = 0, flops = 0;
  PlanOptions decode = options_for(shape, Phase::Decode);
  for (int64_t step = 0; step < shape.new_tokens; ++step) {
    decode.context = shape.prompt + step;
    const PlanTotals d = slice_totals(build_plan(config, decode), slice);
    bytes += static_cast<double>(d.bytes_read);
    flops += static_cast<double>(d.flops);
  }
  m.decode_bytes_read_per_step = bytes / static_cast<double>(shape.new_tokens);
  m.decode_flops_per_step = flops / static_cast<double>(shape.new_tokens);
  return m;
}

}  // namespace archscope
