#include "runner/run_model.hpp"

#include "common/error.hpp"

namespace archscope::prof {

namespace {

ModelStackOptions stack_options(const RunModelOptions& o) {
  if (o.threads < 1 || o.sequences < 1 || o.tokens_per_sequence < 1)
    throw Error(ErrorKind::Internal, "profiler", "run model sized for nothing");
  ModelStackOptions s;
  s.backend = o.backend;
  s.threads = o.threads;
  s.hf_dir = o.hf_dir;
  s.random = o.random;
  s.weights = o.weights;
  s.weights_quant = o.weights_quant;
  s.kv = o.kv;
  s.max_sequences = o.sequences;
  s.max_tokens = o.tokens_per_sequence;
  s.max_step_tokens = 1;  // a prefill, then decode steps of one token per sequence
  s.layers = o.layers;
  return s;
}

}  // namespace

RunModel::RunModel(const ModelConfig& config, const RunModelOptions& o, const std::string& what)
    : stack_(config, stack_options(o), what, [this](Backend& device) {
        auto checked = std::make_unique<CheckedBackend>(device);
        checked_ = checked.get();
        return checked;
      }) {}

}  // namespace archscope::prof
