#include "generate/engine_model.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "model/weight_quant.hpp"

namespace archscope {

namespace {

class EngineModel final : public StepModel {
 public:
  EngineModel(const ModelConfig& config, const EngineModelOptions& o, const std::string& what)
      : stack_(config, stack_options(o), what) {
    if (o.observer) stack_.model().set_observer(o.observer(stack_.backend()));
  }

  int64_t vocab_size() const override { return stack_.config().vocab_size; }
  int64_t add_sequence() override { return stack_.cache().add_sequence(); }
  void free_sequence(int64_t seq) override { stack_.cache().free_sequence(seq); }

  void prefill(int64_t seq, std::span<const int32_t> tokens, bool all_rows,
               std::vector<float>& logits) override {
    std::vector<SequenceStep> batch{{seq, std::vector<int32_t>(tokens.begin(), tokens.end())}};
    logits = stack_.model().forward_host(stack_.cache(), batch,
                                         all_rows ? LogitRows::All : LogitRows::LastPerSequence);
  }

  void decode(std::span<const int64_t> seqs, std::span<const int32_t> tokens,
              std::vector<float>& logits) override {
    std::vector<SequenceStep> batch;
    batch.reserve(seqs.size());
    for (size_t i = 0; i < seqs.size(); ++i) batch.push_back({seqs[i], {tokens[i]}});
    logits = stack_.model().forward_host(stack_.cache(), batch);
  }

  bool decode_greedy(std::span<const int64_t> seqs, std::span<const int32_t> tokens,
                     std::vector<int32_t>& next) override {
    std::vector<SequenceStep> batch;
    batch.reserve(seqs.size());
    for (size_t i = 0; i < seqs.size(); ++i) batch.push_back({seqs[i], {tokens[i]}});
    next = stack_.model().forward_greedy(stack_.cache(), batch);
    return true;
  }

  const WeightQuantization* weight_quantization() const override {
    return &stack_.weights().quantization;
  }

 private:
  ModelStack stack_;
};

}  // namespace

Elem parse_weight_elem(const std::string& text, const std::string& option) {
  const std::optional<DType> t = parse_dtype(text);
  if (t == DType::F32) return Elem::F32;
  if (t == DType::BF16) return Elem::BF16;
  if (t == DType::F16) return Elem::F16;
  throw Error(ErrorKind::Validation, option,
              "'" + text + "' is not a weight dtype the engine runs (fp32, bf16, fp16)");
}

WeightsChoice weights_choice(const std::string& dtype, bool dtype_given, const std::string& scheme,
                             const std::string& dtype_option, const std::string& quant_option) {
  WeightsChoice c;
  if (scheme.empty()) {
    c.weights = parse_weight_elem(dtype, dtype_option);
    return c;
  }
  c.quant = quant::parse_format(scheme, quant_option);
  if (dtype_given && packed_elem(*c.quant)) {
    c.weights = parse_weight_elem(dtype, dtype_option);  // the unquantized matrices
    return c;
  }
  if (dtype_given && parse_weight_elem(dtype, dtype_option) != Elem::F32)
    throw Error(ErrorKind::Validation, dtype_option,
                "'" + dtype + "' with " + quant_option + " " + scheme +
                    ": the dequantized weights are held in fp32; drop " + dtype_option + " or pass fp32");
  c.weights = Elem::F32;
  return c;
}

ModelStackOptions stack_options(const EngineModelOptions& o) {
  ModelStackOptions s;
  s.backend = o.backend;
  s.threads = o.threads;
  s.hf_dir = o.hf_dir;
  s.random = o.random_init;
  s.random.seed = o.seed;
  s.weights = o.weights;
  s.weights_quant = o.weights_quant;
  s.kv = o.kv;
  s.max_sequences = o.max_sequences;
  s.max_tokens = o.max_tokens;
  s.max_step_tokens = 1;  // StepModel decodes one token per sequence after the prefill
  s.layers = o.layers;
  return s;
}

std::unique_ptr<StepModel> open_engine_model(const ModelConfig& config,
                                             const EngineModelOptions& options,
                                             const std::string& what) {
  if (options.max_tokens < 1 || options.max_sequences < 1) {
    throw Error(ErrorKind::Internal, "engine", "cache sized for no tokens");
  }
  return std::make_unique<EngineModel>(config, options, what);
}

}  // namespace archscope
