// `archscope generate`: prefill one or more prompts and decode new tokens with greedy or sampled
// selection, showing a tokens/s progress line on stderr and printing the generated ids and a
// summary. With --prompt "text" (or --prompt-file) the prompt is tokenized with the model's
// tokenizer, the generated text is printed as it is produced and generation stops at the model's
// EOS. Models without a checkpoint run on seeded random weights, so their tokens are not text.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/engine_options.hpp"
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/model_source.hpp"
#include "cli/text_prompt.hpp"
#include "common/error.hpp"
#include "generate/engine_model.hpp"
#include "generate/generation.hpp"
#include "generate/progress.hpp"
#include "generate/sampler.hpp"
#include "generate/token_ids.hpp"

namespace archscope::cli {

namespace {
struct GenerateOptions {
  ModelSource source;
  std::string backend = "cpu";
  std::vector<std::string> kernels;
  int64_t prompt_tokens = 0;
  std::string tokens;
  int64_t new_tokens = 0;
  int64_t batch = 0;  // 0: one sequence per prompt of --tokens, or 1
  int threads = 0;
  uint64_t seed = 0;
  double temperature = 1.0;
  int64_t top_k = 0;
  double top_p = 1.0;
  std::string weights_dtype = default_weights_dtype();
  std::string weights_quant;
  std::string kv_dtype = "fp32";
  CLI::Option* weights_dtype_option = nullptr;
  TextPromptOptions text;
  bool prompt_given = false;
  bool json = false;
};

// --tokens "1,2;3,4,5": prompts separated by ';'. --prompt-tokens N: one prompt of N seeded random
// ids per sequence (their own stream, so they do not echo the weights' or the sampler's values).
std::vector<std::vector<int32_t>> make_prompts(const GenerateOptions& o, int64_t vocab) {
  std::vector<std::vector<int32_t>> prompts;
  if (!o.tokens.empty()) {
    size_t start = 0;
    while (true) {
      const size_t semi = o.tokens.find(';', start);
      const std::string part = o.tokens.substr(start, semi == std::string::npos ? semi : semi - start);
      const std::string where = "--tokens (sequence " + std::to_string(prompts.size()) + ")";
      prompts.push_back(parse_token_list(part, where));
      check_token_ids(prompts.back(), vocab, where);
      if (semi == std::string::npos) break;
      start = semi + 1;
    }
  } else {
    if (o.prompt_tokens < 1) {
      throw Error(ErrorKind::Validation, "--prompt-tokens", "give --tokens or --prompt-tokens N (N >= 1)");
    }
    SplitMix64 rng(o.seed ^ 0x70726f6d7074ULL);  // "prompt"
    for (int64_t seq = 0; seq < std::max<int64_t>(o.batch, 1); ++seq) {
      prompts.emplace_back();
      for (int64_t i = 0; i < o.prompt_tokens; ++i) {
        prompts.back().push_back(static_cast<int32_t>(rng.next() % static_cast<uint64_t>(vocab)));
      }
    }
  }
  // --batch repeats the prompts cyclically (sequence i gets prompt i mod count).
  const int64_t batch = o.batch > 0 ? o.batch : static_cast<int64_t>(prompts.size());
  std::vector<std::vector<int32_t>> out;
  for (int64_t i = 0; i < batch; ++i) out.push_back(prompts[static_cast<size_t>(i) % prompts.size()]);
  return out;
}

int run_generate(const GenerateOptions& o) {
  const BackendSpec backend = backend_spec(o.backend, o.kernels);  // before the model is loaded
  const WeightsChoice weights =
      weights_choice(o.weights_dtype, o.weights_dtype_option->count() > 0, o.weights_quant);
  const ModelConfig config = load_model_config(o.source);
  if (o.batch < 0) throw Error(ErrorKind::Validation, "--batch", "must be at least 1");
  const auto text = load_text_prompt(o.text, o.prompt_given, o.source.model_dir, config.vocab_size);
  if (text && (!o.tokens.empty() || o.prompt_tokens > 0))
    throw Error(ErrorKind::Validation, "--prompt", "give a text prompt or --tokens / --prompt-tokens, not both");
  GenerationRequest request;
  if (text) {
    request.prompts.assign(static_cast<size_t>(std::max<int64_t>(o.batch, 1)), text->ids);
    request.stop_ids = text->eos;
  } else {
    request.prompts = make_prompts(o, config.vocab_size);
  }
  request.new_tokens = o.new_tokens;
  request.sampler = {.temperature = o.temperature, .top_k = o.top_k, .top_p = o.top_p, .seed = o.seed};
  check_request(request, config.vocab_size);

  int64_t longest = 0;
  for (const auto& p : request.prompts) longest = std::max<int64_t>(longest, static_cast<int64_t>(p.size()));
  EngineModelOptions eo;
  eo.backend = backend;
  eo.hf_dir = o.source.model_dir;
  eo.seed = o.seed;
  eo.weights = weights.weights;
  eo.weights_quant = weights.quant;
  eo.kv = kv_dtype_option(o.kv_dtype);
  eo.threads = o.threads;
  eo.max_sequences = static_cast<int64_t>(request.prompts.size());
  eo.max_tokens = longest + o.new_tokens;
  std::unique_ptr<StepModel> model = open_engine_model(config, eo, o.source.describe());
  if (const std::string d = describe_weights_quant(model->weight_quantization()); !d.empty()) std::cerr << d << "\n";

  // A text prompt with one sequence streams its text to stdout as it is produced.
  // The prefill line comes first (on_token starts after it); then the text is the progress, and
  // stderr stays quiet until the summary, which follows the text's final newline.
  ProgressLine progress(std::cerr, stderr_is_terminal(), o.json);
  std::optional<TextPrinter> printer;
  if (text && request.prompts.size() == 1 && !o.json) {
    printer.emplace(*text->tokenizer, std::cout);
    request.on_token = [&printer, &progress](size_t, int32_t token) {
      progress.set_quiet();
      printer->add(token);
    };
  }
  const GenerationResult r = generate_tokens(*model, request, progress, steady_seconds);
  const int64_t decoded = r.decode_tokens;
  const auto text_of = [&](size_t i) {
    return text->tokenizer->decode({r.generated[i].begin(), r.generated[i].end()}, /*skip_special=*/true);
  };
  if (o.json) {
    nlohmann::json j;
    for (size_t i = 0; i < r.generated.size(); ++i) {
      nlohmann::json s{{"prompt_ids", request.prompts[i]}, {"ids", r.generated[i]}, {"stopped_at_eos", r.stopped[i]}};
      if (text) s["text"] = text_of(i);
      j["sequences"].push_back(s);
    }
    j["prefill"] = {{"tokens", r.prefill_tokens}, {"seconds", r.prefill_s}};
    j["decode"] = {{"tokens", decoded}, {"steps", r.decode_steps}, {"seconds", r.decode_s}};
    std::cout << j.dump(2) << '\n';
    return 0;
  }
  if (printer) {
    printer->finish();
    std::cout << '\n' << std::flush;
  }
  for (size_t i = 0; i < r.generated.size() && !printer; ++i) {
    if (text) {
      std::cout << "sequence " << i << ": " << text_of(i) << '\n';
      continue;
    }
    std::cout << "sequence " << i << " (" << request.prompts[i].size() << " prompt tokens):";
    for (int32_t t : r.generated[i]) std::cout << ' ' << t;
    std::cout << '\n';
  }
  char line[256];
  std::snprintf(line, sizeof line,
                "prefill %lld tokens in %.3f s (%.1f tokens/s); decode %lld tokens in %.3f s "
                "(%.1f tokens/s, %.2f ms/step, %.3f ms/token, batch %zu)",
                static_cast<long long>(r.prefill_tokens), r.prefill_s,
                r.prefill_s > 0 ? static_cast<double>(r.prefill_tokens) / r.prefill_s : 0.0,
                static_cast<long long>(decoded), r.decode_s,
                r.decode_s > 0 ? static_cast<double>(decoded) / r.decode_s : 0.0,
                r.decode_steps > 0 ? 1e3 * r.decode_s / static_cast<double>(r.decode_steps) : 0.0,
                decoded > 0 ? 1e3 * r.decode_s / static_cast<double>(decoded) : 0.0,
                r.generated.size());
  (text ? std::cerr : std::cout) << line << '\n';  // with a text prompt stdout holds only the text
  return 0;
}
}  // namespace

Command add_generate_command(CLI::App& root) {
  auto options = std::make_shared<GenerateOptions>();
  CLI::App* sub = root.add_subcommand(
      "generate", "Prefill prompts and decode new tokens (greedy or sampled) with a progress line");
  add_model_source(*sub, options->source, /*with_model_dir=*/true);
  auto* count = sub->add_option("--prompt-tokens", options->prompt_tokens,
                                "Random prompt of N token ids (seeded by --seed)");
  auto* ids = sub->add_option("--tokens", options->tokens,
                              "Prompt token ids \"1,2,3\"; several prompts separated by ';'");
  count->excludes(ids);
  sub->add_option("--prompt", options->text.prompt,
                  "Text prompt, tokenized with the model's tokenizer; the generated text is printed as "
                  "it is produced and generation stops at the model's EOS")
      ->each([options](const std::string&) { options->prompt_given = true; });
  add_text_prompt_options(*sub, options->text);
  sub->add_flag("--json", options->json, "Print one JSON object: prompt ids, generated ids (and text), timings");
  sub->add_option("--new-tokens", options->new_tokens, "Tokens to generate per sequence (at most, with EOS)")->required();
  sub->add_option("--batch", options->batch,
                  "Sequences (default: one per prompt; prompts repeat cyclically to fill the batch)");
  add_backend_option(*sub, options->backend);
  add_kernel_option(*sub, options->kernels);
  sub->add_option("--threads", options->threads, "CPU threads (default: one per logical CPU)");
  sub->add_option("--seed", options->seed, "Seed of random weights, random prompts and sampling");
  sub->add_option("--temperature", options->temperature, "Softmax temperature; 0 = greedy")
      ->capture_default_str();
  sub->add_option("--top-k", options->top_k, "Sample among the k most likely tokens (0 = all)");
  sub->add_option("--top-p", options->top_p, "Nucleus: smallest set of tokens with mass >= p")
      ->capture_default_str();
  options->weights_dtype_option = sub->add_option("--weights-dtype", options->weights_dtype, kWeightsDtypeHelp)
      ->capture_default_str();
  add_weights_quant_option(*sub, options->weights_quant);
  add_kv_dtype_option(*sub, options->kv_dtype);
  return {sub, [options] { return run_generate(*options); }};
}

}  // namespace archscope::cli
