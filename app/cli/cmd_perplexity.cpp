// `archscope perplexity`: perplexity of a model on a text with a sliding window, as Hugging Face's
// perplexity guide computes it (engine/generate/perplexity.hpp states the windows and the
// weighting), with progress on stderr; --kl-reference runs a second configuration on the same
// windows and reports the KL divergence of its next-token distributions from this model's. The
// reference is a model directory, a preset, or a stored run built again from its record
// (profiler/session/stored_run_model.hpp).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/engine_options.hpp"
#include "cli/model_source.hpp"
#include "cli/stored_runs.hpp"
#include "cli/tokenizer_source.hpp"
#include "common/error.hpp"
#include "generate/engine_model.hpp"
#include "generate/generation.hpp"
#include "generate/perplexity.hpp"
#include "generate/token_ids.hpp"
#include "hf/hf_import.hpp"
#include "hf/hf_quantization.hpp"
#include "presets/preset_catalog.hpp"
#include "session/stored_run_model.hpp"

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
  std::string kl_reference_dtype;  // empty: a stored run's own weights dtype, else fp32
  std::string db;
  bool add_special = true;
  int threads = 0;
  uint64_t seed = 0;
  std::string weights_dtype = "fp32";
  std::string weights_quant;
  std::string kv_dtype = "fp32";  // the model's KV cache; the --kl-reference keeps fp32
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

// What the model under test or the reference is built from.
struct ModelSpec {
  ModelConfig config;
  std::string hf_dir;  // empty: random weights
  RandomInitOptions random;
  Elem weights = Elem::F32;
  std::optional<quant::Format> weights_quant;  // a stored run's --weights-quant scheme
  std::string dtype;   // as given or stored, for the report
  int64_t run_id = 0;  // a stored run's
};

// `--kl-reference run:12` or `--kl-reference 12` names a stored run: preset names are never
// only digits (tests/presets checks the catalog), so digits are a run id; a directory named by
// digits is written ./12.
int64_t reference_run_id(const std::string& text) {
  const bool prefixed = text.rfind("run:", 0) == 0;
  const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  if (!prefixed && !digits) return 0;
  try {
    return parse_run_id(prefixed ? text.substr(4) : text);
  } catch (const Error& e) {
    throw Error(ErrorKind::Validation, "--kl-reference", e.message());
  }
}

ModelSpec reference_spec(const PerplexityCommandOptions& o) {
  ModelSpec s;
  const int64_t run_id = reference_run_id(o.kl_reference);
  if (run_id > 0) {
    prof::store::RunStore store = open_run_store_read_only(o.db);
    prof::RunInfo run;
    try {
      run = store.get_run(run_id);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::NotFound) throw;
      std::error_code ec;
      const bool dir = std::filesystem::is_directory(o.kl_reference, ec);
      throw Error(
          e.kind(), "--kl-reference",
          e.message() + " in " + store.path().string() +
              (dir ? " (for the directory " + o.kl_reference + " write ./" + o.kl_reference + ")"
                   : ""));
    }
    prof::session::StoredRunModel m = prof::session::stored_run_model(run, "--kl-reference");
    s.config = std::move(m.config);
    s.hf_dir = m.hf_dir.string();
    s.random = m.random;
    s.run_id = run_id;
    // A run of a checkpoint published quantized (gpt-oss MXFP4, DeepSeek-V3 FP8) records the
    // checkpoint's format: rebuilt by loading the checkpoint as published, no scheme.
    const auto published = m.hf_dir.empty() ? std::nullopt : read_hf_quantization_dir(m.hf_dir);
    const bool as_published = published && run.weights_quant == quant::to_string(published->format);
    if (!run.weights_quant.empty() && !as_published) {  // rebuilt with the run's scheme, held in fp32 as it was
      try {
        s.weights_quant = quant::parse_format(run.weights_quant, "--kl-reference");
      } catch (const Error&) {
        throw Error(ErrorKind::Validation, "--kl-reference",
                    "run " + std::to_string(run_id) + " is not one model's run (weights '" +
                        run.weights_quant + "': an `archscope quant` measurement?)");
      }
      if (!o.kl_reference_dtype.empty() && o.kl_reference_dtype != "fp32")
        throw Error(ErrorKind::Validation, "--kl-reference-dtype",
                    "run " + std::to_string(run_id) + " ran " + run.weights_quant +
                        " weights, held dequantized in fp32; it cannot be rebuilt in " +
                        o.kl_reference_dtype);
    }
    if (o.kl_reference_dtype.empty()) {  // the run's own storage
      s.dtype = m.weights_dtype;
      try {
        s.weights = parse_weight_elem(s.dtype, "--kl-reference");
      } catch (const Error& e) {
        throw Error(ErrorKind::Validation, "--kl-reference",
                    "run " + std::to_string(run_id) + "'s weights dtype: " + e.message() +
                        "; choose one with --kl-reference-dtype");
      }
      return s;
    }
  } else {
    if (!o.db.empty())
      throw Error(ErrorKind::Validation, "--db",
                  "only read for --kl-reference RUN ('" + o.kl_reference + "' is not a run id)");
    std::error_code ec;
    const bool dir = std::filesystem::is_directory(o.kl_reference, ec);
    if (dir) {
      s.config = import_hf_config_file(std::filesystem::path(o.kl_reference) / "config.json");
      s.hf_dir = o.kl_reference;
    } else {
      try {
        s.config = load_preset(o.kl_reference);
      } catch (const Error& e) {
        // The catalog locates its errors at --preset; here the name came from --kl-reference.
        if (e.where() != "--preset") throw;
        throw Error(e.kind(), "--kl-reference",
                    e.message() + "; nor is it a directory or a run id (run:ID)");
      }
    }
    s.random.seed = o.seed;
  }
  s.dtype = o.kl_reference_dtype.empty() ? "fp32" : o.kl_reference_dtype;
  s.weights = parse_weight_elem(s.dtype, "--kl-reference-dtype");
  return s;
}

std::unique_ptr<StepModel> open_model(const ModelSpec& spec, const PerplexityCommandOptions& o,
                                      int64_t context, const std::string& what, Elem kv) {
  EngineModelOptions eo;
  eo.kv = kv;
  eo.hf_dir = spec.hf_dir;
  eo.seed = spec.random.seed;
  eo.random_init = spec.random;
  eo.weights = spec.weights;
  eo.weights_quant = spec.weights_quant;
  eo.threads = o.threads;
  eo.max_sequences = 1;
  eo.max_tokens = context;
  return open_engine_model(spec.config, eo, what);
}

int run_perplexity(const PerplexityCommandOptions& o) {
  weights_choice(o.weights_dtype, o.weights_dtype_given, o.weights_quant);  // option errors first
  const Elem kv = kv_dtype_option(o.kv_dtype);
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

  ModelSpec spec;
  spec.config = config;
  spec.hf_dir = o.source.model_dir;
  spec.random.seed = o.seed;
  spec.dtype = o.weights_dtype;
  {
    const WeightsChoice w = weights_choice(o.weights_dtype, o.weights_dtype_given, o.weights_quant);
    spec.weights = w.weights;
    spec.weights_quant = w.quant;
  }
  std::optional<ModelSpec> ref_spec;
  if (!o.kl_reference.empty()) {
    ref_spec = reference_spec(o);  // a bad reference fails before either model loads
    if (ref_spec->config.vocab_size != config.vocab_size) {
      throw Error(ErrorKind::Validation, "--kl-reference",
                  "vocabulary " + std::to_string(ref_spec->config.vocab_size) +
                      " differs from the model's " + std::to_string(config.vocab_size));
    }
    const int64_t ref_context = ref_spec->config.max_context;
    if (ref_context > 0 && po.context > ref_context) {
      throw Error(ErrorKind::Validation, "--kl-reference",
                  "--context " + std::to_string(po.context) + " is longer than the reference's " +
                      "context " + std::to_string(ref_context));
    }
  } else {
    if (!o.kl_reference_dtype.empty())
      throw Error(ErrorKind::Validation, "--kl-reference-dtype", "needs --kl-reference");
    if (!o.db.empty())
      throw Error(ErrorKind::Validation, "--db", "only read for --kl-reference RUN");
  }
  std::unique_ptr<StepModel> model = open_model(spec, o, po.context, o.source.describe(), kv);
  if (const std::string d = describe_weights_quant(model->weight_quantization()); !d.empty()) std::cerr << d << "\n";
  std::unique_ptr<StepModel> reference;
  if (ref_spec) reference = open_model(*ref_spec, o, po.context, "--kl-reference", Elem::F32);
  ProgressLine progress(std::cerr, stderr_is_terminal(), o.json && !stderr_is_terminal());
  const PerplexityResult r =
      compute_perplexity(*model, reference.get(), tokens, po, progress, steady_seconds);

  if (o.json) {
    nlohmann::json j{{"perplexity", r.perplexity}, {"nll_mean", r.nll_mean},
                     {"tokens", r.tokens},         {"scored", r.scored},
                     {"windows", r.windows},       {"context", po.context},
                     {"stride", po.stride},        {"kv_dtype", to_string(kv)}};
    if (const WeightQuantization* q = model->weight_quantization(); q && q->scheme)
      j["weights_quant"] = {{"scheme", quant::to_string(*q->scheme)},
                            {"bits_per_weight", q->bits_per_weight()},
                            {"quantized_tensors", q->tensors.size()},
                            {"packed_bytes", (q->quantized_bits() + 7) / 8},
                            {"held_bytes", q->held_bits() / 8}};
    if (r.kl) {
      j["kl"] = {{"reference", o.kl_reference},
                 {"dtype", ref_spec->dtype},
                 {"mean", r.kl->mean},
                 {"max", r.kl->max},
                 {"max_position", r.kl->max_position}};
      if (ref_spec->run_id > 0) j["kl"]["run"] = ref_spec->run_id;
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
  sub->add_option(
      "--kl-reference", o->kl_reference,
      "Reference run on the same windows, reporting KL(reference || model) per token: a model "
      "directory, a preset (random weights of --seed), or a stored run as run:ID or ID (digits "
      "are always a run id; write ./12 for a directory named 12), built again from its record: "
      "its configuration, its weights (its checkpoint directory read again, or its random "
      "weights' seed) and its weights dtype, from the database --db names");
  sub->add_option("--kl-reference-dtype", o->kl_reference_dtype,
                  "Weight storage of the reference: fp32, bf16 or fp16 (default: a stored run's "
                  "own weights dtype, fp32 for a directory or preset; given, it overrides the "
                  "run's)");
  sub->add_option("--db", o->db,
                  "Run database that --kl-reference RUN is read from (default: "
                  "$XDG_DATA_HOME/archscope/runs.db; read only)");
  sub->add_flag("--no-special{false}", o->add_special,
                "Tokenize without the tokenizer's special tokens (default: with, e.g. BOS)");
  sub->add_option("--threads", o->threads, "CPU threads (default: one per logical CPU)");
  sub->add_option("--seed", o->seed, "Seed of the random weights of --preset / --config models");
  CLI::Option* dtype = sub->add_option("--weights-dtype", o->weights_dtype, "Weight storage: fp32, bf16 or fp16")
                           ->capture_default_str();
  add_weights_quant_option(*sub, o->weights_quant);
  add_kv_dtype_option(*sub, o->kv_dtype);
  CLI::Option* kv = sub->get_option("--kv-dtype");
  kv->description(kv->get_description() + ". The model's cache only: a --kl-reference runs with an fp32 cache");
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
