// `archscope perplexity`: perplexity of a model on a text with a sliding window, as Hugging Face's
// perplexity guide computes it (engine/generate/perplexity.hpp states the windows and the
// weighting), with progress on stderr; --kl-reference runs a second configuration on the same
// windows and reports the KL divergence of its next-token distributions from this model's.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/engine_options.hpp"
#include "cli/model_source.hpp"
#include "cli/tokenizer_source.hpp"
#include "common/error.hpp"
#include "generate/engine_model.hpp"
#include "generate/generation.hpp"
#include "generate/perplexity.hpp"
#include "generate/token_ids.hpp"
#include "hf/hf_import.hpp"
#include "presets/preset_catalog.hpp"

namespace archscope::cli {

namespace {
struct PerplexityCommandOptions {
  ModelSource source;
  std::string tokenizer;
  std::string text_file;
  std::string ids;
  int64_t context = 0;  // 0: min(the model's max context, 1024)
  int64_t stride = 0;   // 0: context / 2
  std::string kl_reference;
  std::string kl_reference_dtype = "fp32";
  bool add_special = true;
  int threads = 0;
  uint64_t seed = 0;
  std::string weights_dtype = "fp32";
  std::string weights_quant;
  bool weights_dtype_given = false;
  bool json = false;
};

std::vector<int32_t> read_tokens(const PerplexityCommandOptions& o) {
  if (!o.ids.empty()) return parse_token_list(o.ids, "--ids");
  if (o.text_file.empty())
    throw Error(ErrorKind::Validation, "perplexity", "give --text-file F (or --ids 1,2,3)");
  const tok::Tokenizer t = load_tokenizer(o.tokenizer, o.source.model_dir);
  tok::EncodeOptions eo;
  eo.add_special = o.add_special;
  eo.truncate_and_pad =
      false;  // the whole text, as transformers' tokenizer(text) without truncation
  const std::vector<uint32_t> ids = t.encode(read_text_file(o.text_file, "--text-file"), eo).ids;
  return {ids.begin(), ids.end()};
}

std::unique_ptr<StepModel> open_model(const ModelConfig& config, const std::string& hf_dir,
                                      const std::string& dtype, const PerplexityCommandOptions& o,
                                      int64_t context, const std::string& what) {
  EngineModelOptions eo;
  eo.hf_dir = hf_dir;
  eo.seed = o.seed;
  if (what == "--kl-reference") {
    eo.weights = parse_weight_elem(dtype, "--kl-reference-dtype");  // the reference is never quantized
  } else {
    const WeightsChoice w = weights_choice(dtype, o.weights_dtype_given, o.weights_quant);
    eo.weights = w.weights;
    eo.weights_quant = w.quant;
  }
  eo.threads = o.threads;
  eo.max_sequences = 1;
  eo.max_tokens = context;
  return open_engine_model(config, eo, what);
}

int run_perplexity(const PerplexityCommandOptions& o) {
  weights_choice(o.weights_dtype, o.weights_dtype_given, o.weights_quant);  // option errors first
  const ModelConfig config = load_model_config(o.source);
  const std::vector<int32_t> tokens = read_tokens(o);
  check_token_ids(tokens, config.vocab_size,
                  o.ids.empty() ? "text (tokenizer ids vs the model's vocabulary)" : "--ids");
  PerplexityOptions po;
  po.context = o.context > 0
                   ? o.context
                   : std::min<int64_t>(config.max_context > 0 ? config.max_context : 1024, 1024);
  if (config.max_context > 0 && po.context > config.max_context) {
    throw Error(ErrorKind::Validation, "--context",
                std::to_string(po.context) + " is longer than the model's context " +
                    std::to_string(config.max_context));
  }
  po.stride = o.stride > 0 ? o.stride : std::max<int64_t>(po.context / 2, 1);
  perplexity_windows(static_cast<int64_t>(tokens.size()),
                     po);  // option errors before any model loads

  std::unique_ptr<StepModel> model =
      open_model(config, o.source.model_dir, o.weights_dtype, o, po.context, o.source.describe());
  if (!o.weights_quant.empty()) std::cerr << describe_weights_quant(*model->weight_quantization()) << "\n";
  std::unique_ptr<StepModel> reference;
  if (!o.kl_reference.empty()) {
    std::error_code ec;
    const bool dir = std::filesystem::is_directory(o.kl_reference, ec);
    const ModelConfig ref_config =
        dir ? import_hf_config_file(std::filesystem::path(o.kl_reference) / "config.json")
            : load_preset(o.kl_reference);
    reference = open_model(ref_config, dir ? o.kl_reference : "", o.kl_reference_dtype, o,
                           po.context, "--kl-reference");
  }
  ProgressLine progress(std::cerr, stderr_is_terminal(), o.json && !stderr_is_terminal());
  const PerplexityResult r =
      compute_perplexity(*model, reference.get(), tokens, po, progress, steady_seconds);

  if (o.json) {
    nlohmann::json j{{"perplexity", r.perplexity}, {"nll_mean", r.nll_mean},
                     {"tokens", r.tokens},         {"scored", r.scored},
                     {"windows", r.windows},       {"context", po.context},
                     {"stride", po.stride}};
    if (const WeightQuantization* q = model->weight_quantization(); q && q->scheme)
      j["weights_quant"] = {{"scheme", quant::to_string(*q->scheme)},
                            {"bits_per_weight", q->bits_per_weight()},
                            {"quantized_tensors", q->tensors.size()},
                            {"packed_bytes", (q->quantized_bits() + 7) / 8}};
    if (r.kl) {
      j["kl"] = {{"reference", o.kl_reference},
                 {"dtype", o.kl_reference_dtype},
                 {"mean", r.kl->mean},
                 {"max", r.kl->max},
                 {"max_position", r.kl->max_position}};
    }
    std::cout << j.dump(2) << '\n';
    return 0;
  }
  char line[256];
  std::snprintf(line, sizeof line,
                "perplexity %.6g (mean NLL %.6g nats) over %lld scored of %lld tokens, %lld "
                "windows of %lld, stride %lld",
                r.perplexity, r.nll_mean, static_cast<long long>(r.scored),
                static_cast<long long>(r.tokens), static_cast<long long>(r.windows),
                static_cast<long long>(po.context), static_cast<long long>(po.stride));
  std::cout << line << '\n';
  if (r.kl) {
    std::snprintf(line, sizeof line,
                  "KL(reference || model): mean %.6g, max %.6g nats (at token %lld)", r.kl->mean,
                  r.kl->max, static_cast<long long>(r.kl->max_position));
    std::cout << line << '\n';
  }
  return 0;
}
}  // namespace

Command add_perplexity_command(CLI::App& root) {
  auto o = std::make_shared<PerplexityCommandOptions>();
  CLI::App* sub = root.add_subcommand(
      "perplexity",
      "Perplexity on a text with a sliding window, as Hugging Face's perplexity guide computes it: "
      "windows of --context tokens every --stride tokens, each scoring only the tokens the "
      "previous "
      "window did not reach");
  add_model_source(*sub, o->source, /*with_model_dir=*/true);
  sub->add_option("--tokenizer", o->tokenizer,
                  "tokenizer.json (default: the one beside --model DIR)")
      ->check(CLI::ExistingFile);
  auto* file = sub->add_option("--text-file", o->text_file, "Text to score (UTF-8)")
                   ->check(CLI::ExistingFile);
  auto* ids = sub->add_option("--ids", o->ids, "Token ids to score instead of a text: \"1,2,3\"");
  file->excludes(ids);
  sub->add_option("--context", o->context,
                  "Window length in tokens (default: the model's context, at most 1024)");
  sub->add_option("--stride", o->stride, "Tokens between window starts (default: --context / 2)");
  sub->add_option("--kl-reference", o->kl_reference,
                  "Model directory or preset run on the same windows: reports KL(reference || "
                  "model) per token");
  sub->add_option("--kl-reference-dtype", o->kl_reference_dtype,
                  "Weight storage of the reference: fp32, bf16 or fp16")
      ->capture_default_str();
  sub->add_flag("--no-special{false}", o->add_special,
                "Tokenize without the tokenizer's special tokens (default: with, e.g. BOS)");
  sub->add_option("--threads", o->threads, "CPU threads (default: one per logical CPU)");
  sub->add_option("--seed", o->seed, "Seed of the random weights of --preset / --config models");
  CLI::Option* dtype = sub->add_option("--weights-dtype", o->weights_dtype, "Weight storage: fp32, bf16 or fp16")
                           ->capture_default_str();
  add_weights_quant_option(*sub, o->weights_quant);
  sub->add_flag("--json", o->json, "Print one JSON object");
  return {sub, [o, dtype] {
            if (o->tokenizer.empty() && o->source.model_dir.empty() && o->ids.empty()) {
              throw Error(ErrorKind::Validation, "--tokenizer",
                          "a text needs a tokenizer: --model DIR or --tokenizer FILE");
            }
            o->weights_dtype_given = dtype->count() > 0;
            return run_perplexity(*o);
          }};
}

}  // namespace archscope::cli
