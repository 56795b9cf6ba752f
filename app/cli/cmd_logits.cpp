// `archscope logits`: run token ids through the model and write every position's logits as a
// float32 .npy [T, vocab], so the engine can be compared with a reference (Hugging Face, NumPy).
// With --decode-from K the first K tokens are one prefill and every later one goes through the KV
// cache alone, which checks the cache path against the full forward.
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cli/engine_options.hpp"
#include "cli/commands.hpp"
#include "cli/model_source.hpp"
#include "common/error.hpp"
#include "generate/engine_model.hpp"
#include "generate/token_ids.hpp"
#include "io/npy.hpp"

namespace archscope::cli {

namespace {
struct LogitsOptions {
  ModelSource source;
  std::string backend = "cpu";
  std::vector<std::string> kernels;
  std::string tokens;
  std::string out;
  std::optional<int64_t> decode_from;  // absent: the whole sequence is one prefill
  int threads = 0;
  uint64_t seed = 0;
  std::string weights_dtype = default_weights_dtype();
  std::string weights_quant;
  std::string kv_dtype = "fp32";
  CLI::Option* weights_dtype_option = nullptr;
};

int run_logits(const LogitsOptions& o) {
  const BackendSpec backend = backend_spec(o.backend, o.kernels);  // before the model is loaded
  const WeightsChoice weights =
      weights_choice(o.weights_dtype, o.weights_dtype_option->count() > 0, o.weights_quant);
  const Elem kv = kv_dtype_option(o.kv_dtype);
  const ModelConfig config = load_model_config(o.source);
  const std::vector<int32_t> tokens = parse_token_list(o.tokens);
  check_token_ids(tokens, config.vocab_size, "--tokens");
  const int64_t count = static_cast<int64_t>(tokens.size());
  if (o.decode_from && (*o.decode_from < 0 || *o.decode_from > count)) {
    throw Error(ErrorKind::Validation, "--decode-from",
                std::to_string(*o.decode_from) + " is outside [0, " + std::to_string(count) +
                    "] (the number of tokens)");
  }
  EngineModelOptions eo;
  eo.backend = backend;
  eo.hf_dir = o.source.model_dir;
  eo.seed = o.seed;
  eo.weights = weights.weights;
  eo.weights_quant = weights.quant;
  eo.kv = kv;
  eo.threads = o.threads;
  eo.max_sequences = 1;
  eo.max_tokens = count;
  std::unique_ptr<StepModel> model = open_engine_model(config, eo, o.source.describe());
  if (const std::string d = describe_weights_quant(model->weight_quantization()); !d.empty()) std::cerr << d << "\n";

  // K = 0 sends every token through the decode path, starting from an empty cache.
  const int64_t prefill = o.decode_from.value_or(count);
  const int64_t seq = model->add_sequence();
  std::vector<float> all, rows;
  if (prefill > 0) {
    model->prefill(seq, std::span(tokens).first(static_cast<size_t>(prefill)), /*all_rows=*/true, all);
  }
  for (int64_t i = prefill; i < count; ++i) {
    const int64_t seqs[1] = {seq};
    model->decode(seqs, std::span(tokens).subspan(static_cast<size_t>(i), 1), rows);
    all.insert(all.end(), rows.begin(), rows.end());
  }
  model->free_sequence(seq);
  write_npy(o.out, all, {count, config.vocab_size});
  std::cerr << "wrote " << o.out << ": [" << count << ", " << config.vocab_size << "] float32 ("
            << prefill << " prefilled, " << count - prefill << " decoded)\n";
  return 0;
}
}  // namespace

Command add_logits_command(CLI::App& root) {
  auto options = std::make_shared<LogitsOptions>();
  CLI::App* sub = root.add_subcommand(
      "logits", "Write the logits of every position of a token sequence as float32 .npy [T, vocab]");
  add_model_source(*sub, options->source, /*with_model_dir=*/true);
  sub->add_option("--tokens", options->tokens, "Token ids, comma separated: \"1,2,3\"")->required();
  sub->add_option("--out,-o", options->out, "Output .npy file")->required();
  sub->add_option("--decode-from", options->decode_from,
                  "Prefill the first K tokens, then feed the rest one at a time through the KV cache");
  add_backend_option(*sub, options->backend);
  add_kernel_option(*sub, options->kernels);
  sub->add_option("--threads", options->threads, "CPU threads (default: one per logical CPU)");
  sub->add_option("--seed", options->seed, "Seed of the random weights of --preset / --config models");
  options->weights_dtype_option =
      sub->add_option("--weights-dtype", options->weights_dtype, kWeightsDtypeHelp)->capture_default_str();
  add_weights_quant_option(*sub, options->weights_quant);
  add_kv_dtype_option(*sub, options->kv_dtype);
  return {sub, [options] { return run_logits(*options); }};
}

}  // namespace archscope::cli
