// `archscope quant`: the quantization error of weight schemes on one model (issue 12, §3). The
// source-precision model and each scheme's model run the same tokens teacher forced
// (engine/quant_eval); the result is printed (or --json) and stored as a run in the database, so
// `report` shows it.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/engine_options.hpp"
#include "cli/model_source.hpp"
#include "cli/stored_runs.hpp"
#include "cli/text_prompt.hpp"
#include "common/error.hpp"
#include "common/version.hpp"
#include "config/config_json.hpp"
#include "events/environment.hpp"
#include "generate/sampler.hpp"
#include "generate/token_ids.hpp"
#include "kv/kv_dtype.hpp"
#include "quant_eval/eval_json.hpp"
#include "quant_eval/quant_eval.hpp"
#include "store/quant_table.hpp"
#include "store/runs_table.hpp"

namespace archscope::cli {

namespace {

struct QuantOptions {
  ModelSource source;
  std::string schemes;
  std::string kv_dtypes;
  std::string tokens;
  int64_t prompt = 0;  // random ids; 0: 128 when neither --tokens nor --prompt-file
  std::string prompt_file;
  std::string tokenizer;
  std::string backend = "cpu";
  int threads = 0;
  uint64_t seed = 0;
  std::string name;
  std::string db;
  bool json = false;
};

std::vector<quant::Format> parse_schemes(const std::string& text) {
  std::vector<quant::Format> out;
  if (text == "all") return quant::all_formats();
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    if (part.empty()) continue;
    const quant::Format f = quant::parse_format(part, "--schemes");
    for (quant::Format g : out)
      if (g == f) throw Error(ErrorKind::Validation, "--schemes", "'" + part + "' is listed twice");
    out.push_back(f);
  }
  if (out.empty())
    throw Error(ErrorKind::Validation, "--schemes",
                "name at least one of " + quant::format_names());
  return out;
}

std::vector<Elem> parse_kv_dtypes(const std::string& text) {
  std::vector<Elem> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    if (part.empty()) continue;
    const Elem e = parse_kv_elem(part, "--kv-dtypes");
    if (!kv_quantized(e))
      throw Error(
          ErrorKind::Validation, "--kv-dtypes",
          "'" + part + "' is not a quantized KV dtype (the source run is fp32); use int8, fp8");
    for (Elem g : out)
      if (g == e)
        throw Error(ErrorKind::Validation, "--kv-dtypes", "'" + part + "' is listed twice");
    out.push_back(e);
  }
  return out;
}

std::string db_text(double v) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return "exact";
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

void print_text(const quant::EvalResult& r, const std::string& tokens_from) {
  std::printf("%s: %lld tokens teacher forced (%s), source %s", r.model.c_str(),
              static_cast<long long>(r.tokens), tokens_from.c_str(), r.source_dtype.c_str());
  if (r.source_perplexity) std::printf(", perplexity %.4f", *r.source_perplexity);
  std::printf("\n\n%-18s %8s %12s %11s %11s %7s %10s\n", "scheme", "bits/w", "total bytes",
              "mean KL", "max KL", "top-1", "perplexity");
  for (const quant::SchemeResult& s : r.schemes) {
    std::printf("%-18s %8.4f %12llu %11.4g %11.4g %6.2f%% ", s.scheme.c_str(), s.bits_per_weight,
                static_cast<unsigned long long>(s.total_bytes), s.kl_mean, s.kl_max,
                100 * s.top1_agreement);
    if (s.perplexity) {
      std::printf("%10.4f\n", *s.perplexity);
    } else {
      std::printf("%10s\n", "-");
    }
  }
  for (const quant::SchemeResult& s : r.schemes)
    if (quant::is_kv_scheme(s)) {
      std::printf(
          "(kv- schemes: bits per cached K/V element with scales; total bytes = the KV cache at "
          "%lld tokens)\n",
          static_cast<long long>(r.tokens));
      break;
    }
  const int64_t L = r.layers();
  std::printf(
      "\nper layer: weight SQNR of the layer's quantized tensors (kv- schemes: KV SQNR of its "
      "cached K "
      "and V) (dB) / residual stream rel. L2 error\n%-6s",
      "layer");
  for (const quant::SchemeResult& s : r.schemes) std::printf(" %22s", s.scheme.c_str());
  std::printf("\n");
  std::vector<std::vector<double>> sqnr;
  for (const quant::SchemeResult& s : r.schemes) sqnr.push_back(quant::layer_sqnr_db(s, L));
  for (int64_t l = 0; l < L; ++l) {
    std::printf("%-6lld", static_cast<long long>(l));
    for (size_t i = 0; i < r.schemes.size(); ++i) {
      const auto& e = r.schemes[i].layer_rel_l2;
      char cell[64];
      std::snprintf(cell, sizeof cell, "%s / %.3g",
                    db_text(sqnr[i][static_cast<size_t>(l)]).c_str(),
                    static_cast<size_t>(l) < e.size() ? e[static_cast<size_t>(l)] : 0.0);
      std::printf(" %22s", cell);
    }
    std::printf("\n");
  }
  std::printf(
      "\nactivation outliers of the source run (per-channel absmax of each linear's input)\n");
  std::printf("%-6s %-22s %8s %10s %10s %8s\n", "layer", "op", "channels", "absmax", "median",
              "ratio");
  for (const quant::ActivationOutlier& o : r.outliers)
    std::printf("%-6lld %-22s %8lld %10.4g %10.4g %8.1f\n", static_cast<long long>(o.layer),
                o.op.c_str(), static_cast<long long>(o.channels), o.absmax, o.median_absmax,
                o.ratio());
}

int run_quant(const QuantOptions& o) {
  const BackendSpec backend = backend_spec(o.backend);
  if (o.schemes.empty() && o.kv_dtypes.empty())
    throw Error(ErrorKind::Validation, "--schemes",
                "give --schemes (weight schemes: " + quant::format_names() +
                    ") and/or --kv-dtypes (int8,fp8)");
  const std::vector<quant::Format> schemes =
      o.schemes.empty() ? std::vector<quant::Format>{} : parse_schemes(o.schemes);
  const std::vector<Elem> kv_dtypes = parse_kv_dtypes(o.kv_dtypes);
  if (!o.kv_dtypes.empty() && kv_dtypes.empty())
    throw Error(ErrorKind::Validation, "--kv-dtypes", "name at least one of int8, fp8");
  if (o.threads < 0) throw Error(ErrorKind::Validation, "--threads", "must be at least 1");
  const ModelConfig config = load_model_config(o.source);
  const int given =
      (!o.tokens.empty() ? 1 : 0) + (!o.prompt_file.empty() ? 1 : 0) + (o.prompt > 0 ? 1 : 0);
  if (given > 1)
    throw Error(ErrorKind::Validation, "--tokens",
                "give one of --tokens, --prompt-file, --prompt N");
  if (o.prompt < 0) throw Error(ErrorKind::Validation, "--prompt", "must be at least 2");
  std::vector<int32_t> tokens;
  std::string from;
  if (!o.tokens.empty()) {
    tokens = parse_token_list(o.tokens);
    check_token_ids(tokens, config.vocab_size, "--tokens");
    from = "--tokens";
  } else if (!o.prompt_file.empty()) {
    TextPromptOptions t;
    t.prompt_file = o.prompt_file;
    t.tokenizer = o.tokenizer;
    tokens = load_text_prompt(t, false, o.source.model_dir, config.vocab_size)->ids;
    from = "text of " + o.prompt_file;
  } else {
    const int64_t n = o.prompt > 0 ? o.prompt : 128;
    SplitMix64 rng(o.seed ^ 0x7175616e74ULL);  // "quant": ids apart from the weights' stream
    for (int64_t i = 0; i < n; ++i)
      tokens.push_back(static_cast<int32_t>(rng.next() % static_cast<uint64_t>(config.vocab_size)));
    from = std::to_string(n) + " random ids";
  }
  if (config.max_context > 0 && static_cast<int64_t>(tokens.size()) > config.max_context) {
    // A long text is cut to the model's context (one teacher-forced window).
    if (o.prompt_file.empty())
      throw Error(ErrorKind::Validation, o.tokens.empty() ? "--prompt" : "--tokens",
                  std::to_string(tokens.size()) + " tokens exceed the model's context of " +
                      std::to_string(config.max_context));
    tokens.resize(static_cast<size_t>(config.max_context));
    from += ", first " + std::to_string(config.max_context) + " tokens";
  }

  prof::store::RunStore store = open_run_store(o.db);  // a bad --db fails before the models load
  quant_eval::EvalOptions eo;
  eo.backend = backend;
  eo.hf_dir = o.source.model_dir;
  eo.seed = o.seed;
  eo.threads = o.threads;
  eo.schemes = schemes;
  eo.kv_dtypes = kv_dtypes;
  eo.perplexity = !o.source.model_dir.empty() && !o.prompt_file.empty();
  const quant::EvalResult result = quant_eval::evaluate(
      config, eo, tokens,
      [](const std::string& line) { std::cerr << "archscope quant: " << line << "\n"; });

  const prof::RunEnvironment env = prof::capture_environment(o.threads);
  prof::RunInfo info;
  info.started_at = prof::store::utc_now_iso();
  info.name = o.name.empty() ? "quant " + config.name + " " + info.started_at : o.name;
  info.model = config.name;
  info.config_json = config_to_json(config).dump();
  info.backend = backend.description();
  info.device = backend.kind == BackendKind::Cpu
                    ? env.cpu_model + ", " + std::to_string(env.threads) + " threads"
                    : device_of(backend).name;
  info.weights_dtype = "fp32";
  info.weights_quant = o.schemes == "all" ? quant::format_names() : o.schemes;
  for (char& c : info.weights_quant)
    if (c == '|') c = ',';
  info.kv_dtype = "fp32";  // the source run's; the measured KV dtypes are the kv- schemes
  for (Elem e : kv_dtypes) info.kv_dtype += std::string(",") + to_string(e);
  info.prompt_tokens = static_cast<int64_t>(tokens.size());
  info.new_tokens = 0;
  info.threads = env.threads;
  info.repeat = 1;
  info.checks = false;
  info.version = env.version;
  info.git_revision = env.git_revision;
  const int64_t id = store.create_run(info);
  try {
    prof::store::save_quant_result(store, id, result);
  } catch (...) {
    store.finish_run(id, prof::RunStatus::Failed, "the quant result could not be stored");
    throw;
  }
  store.finish_run(id, prof::RunStatus::Complete);

  if (o.json) {
    nlohmann::json j = quant_eval::to_json(result);
    j["run_id"] = id;
    j["db"] = store.path().string();
    std::cout << j.dump(2) << "\n";
  } else {
    print_text(result, from);
  }
  std::cerr << "stored as run " << id << " in " << store.path().string() << " (archscope report "
            << id << " --out report.html shows it)\n";
  return 0;
}

}  // namespace

Command add_quant_command(CLI::App& root) {
  auto o = std::make_shared<QuantOptions>();
  CLI::App* sub =
      root.add_subcommand("quant",
                          "Measure weight and KV-cache quantization error: the source model and "
                          "each scheme or KV dtype on the same tokens (weight / KV SQNR per "
                          "tensor or layer, residual error per layer, logit KL / top-1 / "
                          "perplexity, activation outliers); stored as a run");
  add_model_source(*sub, o->source, /*with_model_dir=*/true);
  sub->add_option("--schemes", o->schemes,
                  "Comma-separated weight schemes, or all: " + quant::format_names() +
                      " (weight-only, block linear weights; docs/quantization.md)");
  sub->add_option(
      "--kv-dtypes", o->kv_dtypes,
      "Comma-separated KV-cache dtypes to measure: int8, fp8 (E4M3), one fp32 scale per token and "
      "KV "
      "head (MLA: latent and rope key). The source weights with each cache, reported as schemes "
      "kv-int8 / kv-fp8: bits per cached element with scales, KV bytes at the context, KV SQNR per "
      "layer over every cached K and V, residual error, logit KL / top-1. At least one of "
      "--schemes and --kv-dtypes");
  sub->add_option("--tokens", o->tokens, "Token ids to run, comma separated: \"1,2,3\"");
  sub->add_option(
         "--prompt-file", o->prompt_file,
         "A text, tokenized with the model's tokenizer (cut to the model's context); with --model "
         "the perplexity of every model on it is reported")
      ->check(CLI::ExistingFile);
  sub->add_option("--tokenizer", o->tokenizer,
                  "tokenizer.json for --prompt-file (default: the one beside --model)")
      ->check(CLI::ExistingFile);
  sub->add_option("--prompt", o->prompt, "N seeded random token ids (the default: 128)");
  add_backend_option(*sub, o->backend);
  sub->add_option("--threads", o->threads, "CPU threads (default: one per logical CPU)");
  sub->add_option("--seed", o->seed,
                  "Seed of the random weights of --preset / --config models and of --prompt ids");
  sub->add_option("--name", o->name, "Name of the stored run (default: \"quant <model> <time>\")");
  add_db_option(*sub, o->db);
  sub->add_flag("--json", o->json, "Print one JSON object (schemes[] with tensors[], outliers[])");
  return {sub, [o] { return run_quant(*o); }};
}

}  // namespace archscope::cli
