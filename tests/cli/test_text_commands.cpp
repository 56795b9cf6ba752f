// End-to-end text generation and perplexity: the 512-token checkpoints of tests/fixtures/hf with
// the 512-id tokenizer of tests/fixtures/tokenizers/gpt2_512. Perplexity over a fixture's token
// sequence is checked against a float64 log-softmax of transformers' logits for the same tokens
// (logits.npy), within the bound the fixtures' logit tolerance implies.
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"
#include "io/npy.hpp"

using archscope::test::CliResult;
using archscope::test::is_one_line;
using archscope::test::read_all;
using archscope::test::run_cli;
using archscope::test::run_cli_on_terminal;
namespace fs = std::filesystem;

namespace {
const fs::path kFixtures = ARCHSCOPE_FIXTURES;

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("archscope-text-cli-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};
Scratch& scratch() {
  static Scratch s;
  return s;
}

// A model directory: the HF fixture `family`'s checkpoint with the 512-id tokenizer, and
// `generation` as generation_config.json when non-empty.
fs::path model_dir(const std::string& family, const std::string& name,
                   const std::string& generation = "") {
  const fs::path dir = scratch().dir / name;
  fs::create_directories(dir);
  for (const char* f : {"config.json", "model.safetensors"}) {
    fs::copy_file(kFixtures / "hf" / family / f, dir / f, fs::copy_options::overwrite_existing);
  }
  fs::copy_file(kFixtures / "tokenizers" / "gpt2_512" / "tokenizer.json", dir / "tokenizer.json",
                fs::copy_options::overwrite_existing);
  if (!generation.empty()) std::ofstream(dir / "generation_config.json") << generation;
  return dir;
}

nlohmann::json hf_ids(const std::string& text) {
  const auto doc =
      nlohmann::json::parse(read_all(kFixtures / "tokenizers" / "gpt2_512" / "cases.json"));
  for (const auto& c : doc.at("cases")) {
    if (c.at("text") == text && !c.at("add_special").get<bool>()) return c.at("ids");
  }
  BOOST_FAIL("no fixture case");
  return {};
}

nlohmann::json run_json(const std::vector<std::string>& args) {
  const CliResult r = run_cli(args);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  return nlohmann::json::parse(r.out);
}

void expect_error(const std::vector<std::string>& args, const std::string& needle) {
  const CliResult r = run_cli(args);
  BOOST_TEST(r.exit_code == 2, r.err);
  BOOST_TEST(is_one_line(r.err), r.err);
  BOOST_TEST(r.err.find(needle) != std::string::npos, r.err);
}

// exp(mean over i >= 1 of -log softmax(logits[i-1])[tokens[i]]) in float64, and max|logits|.
std::pair<double, double> reference_nll(const std::string& family) {
  const auto tokens = nlohmann::json::parse(read_all(kFixtures / "hf" / family / "tokens.json"))
                          .at("tokens")
                          .get<std::vector<int>>();
  const archscope::NpyArray logits = archscope::read_npy(kFixtures / "hf" / family / "logits.npy");
  const size_t v = static_cast<size_t>(logits.shape[1]);
  double nll = 0, max_abs = 0;
  for (float x : logits.data) max_abs = std::max(max_abs, std::abs(static_cast<double>(x)));
  for (size_t i = 1; i < tokens.size(); ++i) {
    const float* row = logits.data.data() + (i - 1) * v;
    double m = -1e300, z = 0;
    for (size_t k = 0; k < v; ++k) m = std::max(m, static_cast<double>(row[k]));
    for (size_t k = 0; k < v; ++k) z += std::exp(static_cast<double>(row[k]) - m);
    nll += m + std::log(z) - static_cast<double>(row[tokens[i]]);
  }
  return {nll / static_cast<double>(tokens.size() - 1), max_abs};
}

std::string fixture_ids(const std::string& family) {
  const auto tokens =
      nlohmann::json::parse(read_all(kFixtures / "hf" / family / "tokens.json")).at("tokens");
  std::string s;
  for (size_t i = 0; i < tokens.size(); ++i)
    s += (i ? "," : "") + std::to_string(tokens[i].get<int>());
  return s;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(text_commands)

BOOST_AUTO_TEST_CASE(generate_from_a_text_prompt) {
  const fs::path dir = model_dir("gpt2", "gen");
  const auto j = run_json({"generate", "--model", dir.string(), "--prompt", "Hello world",
                           "--new-tokens", "6", "--temperature", "0", "--json"});
  const auto& s = j.at("sequences").at(0);
  BOOST_TEST(s.at("prompt_ids") ==
             hf_ids("Hello world"));  // HF's ids; GPT-2's post-processor adds none
  BOOST_TEST(s.at("ids").size() == 6u);
  BOOST_TEST(!s.at("stopped_at_eos").get<bool>());
  // The first greedy token is the argmax of the last logits row `logits` computes.
  std::string ids;
  for (const auto& id : s.at("prompt_ids"))
    ids += (ids.empty() ? "" : ",") + std::to_string(id.get<int>());
  const fs::path npy = scratch().dir / "gen.npy";
  const CliResult l =
      run_cli({"logits", "--model", dir.string(), "--tokens", ids, "--out", npy.string()});
  BOOST_TEST_REQUIRE(l.exit_code == 0, l.err);
  const auto logits = archscope::read_npy(npy);
  const size_t v = static_cast<size_t>(logits.shape[1]);
  const auto last = logits.data.begin() + static_cast<std::ptrdiff_t>(logits.data.size() - v);
  BOOST_TEST(s.at("ids")[0].get<long>() ==
             std::max_element(last, last + static_cast<std::ptrdiff_t>(v)) - last);
  // The streamed text is the JSON text: the decode of the generated ids, special tokens left out.
  const CliResult text = run_cli({"generate", "--model", dir.string(), "--prompt", "Hello world",
                                  "--new-tokens", "6", "--temperature", "0"});
  BOOST_TEST(text.exit_code == 0, text.err);
  BOOST_TEST(text.out == s.at("text").get<std::string>() + "\n");
  BOOST_TEST(text.err.find("prefill: ") != std::string::npos);  // progress and summary on stderr
  // While the text streams, no decode progress line is drawn (on a terminal it would overwrite
  // the text); the summary follows the text's newline.
  BOOST_TEST(text.err.find("decode: ") == std::string::npos, text.err);
  BOOST_TEST(text.err.find("decode 5 tokens") != std::string::npos, text.err);
}

BOOST_AUTO_TEST_CASE(generation_stops_at_eos) {
  const fs::path probe = model_dir("gpt2", "probe");
  const auto first = run_json({"generate", "--model", probe.string(), "--prompt", "Hello world",
                               "--new-tokens", "1", "--temperature", "0", "--json"})
                         .at("sequences")
                         .at(0)
                         .at("ids")
                         .at(0)
                         .get<int>();
  const fs::path dir =
      model_dir("gpt2", "eos", "{\"eos_token_id\": [3, " + std::to_string(first) + "]}");
  const auto j = run_json({"generate", "--model", dir.string(), "--prompt", "Hello world",
                           "--new-tokens", "8", "--temperature", "0", "--json"});
  BOOST_TEST(j.at("sequences").at(0).at("ids") == nlohmann::json::array({first}));
  BOOST_TEST(j.at("sequences").at(0).at("stopped_at_eos").get<bool>());
  BOOST_TEST(j.at("decode").at("steps") == 0);
  const auto past = run_json({"generate", "--model", dir.string(), "--prompt", "Hello world",
                              "--new-tokens", "8", "--temperature", "0", "--ignore-eos", "--json"});
  BOOST_TEST(past.at("sequences").at(0).at("ids").size() == 8u);
  // run: the same prompt, EOS from the model's config.json when there is no generation_config.json.
  const fs::path cfg_dir = model_dir("gpt2", "eos_config");
  auto cfg = nlohmann::json::parse(read_all(cfg_dir / "config.json"));
  cfg["eos_token_id"] = first;
  std::ofstream(cfg_dir / "config.json") << cfg.dump();
  const auto r = run_json({"run", "--model", cfg_dir.string(), "--prompt", "Hello world", "--new",
                           "8", "--db", (scratch().dir / "runs.db").string(), "--json"});
  BOOST_TEST(r.at("ids") == nlohmann::json::array({first}));
  BOOST_TEST(r.at("prompt_ids") == hf_ids("Hello world"));
  BOOST_TEST(r.at("status") == "complete");
}

// On a terminal (stdout and stderr both on it): the prefill line is finished before the text
// starts, no decode progress is redrawn over the text, and the summary comes after its newline.
BOOST_AUTO_TEST_CASE(generate_streams_text_on_a_terminal) {
  const fs::path dir = model_dir("gpt2", "tty");
  const std::vector<std::string> args = {"generate", "--model",       dir.string(),
                                         "--prompt", "Hello world",   "--new-tokens",
                                         "6",        "--temperature", "0"};
  const CliResult piped = run_cli(args);
  BOOST_TEST_REQUIRE(piped.exit_code == 0, piped.err);
  std::string text =
      piped.out.substr(0, piped.out.size() - 1);  // the text, as the terminal shows it
  for (size_t at = 0; (at = text.find('\n', at)) != std::string::npos; at += 2)
    text.insert(at, "\r");
  const CliResult tty = run_cli_on_terminal(args);
  BOOST_TEST_REQUIRE(tty.exit_code == 0, tty.out);
  const size_t prefill_end = tty.out.find("\x1b[K\r\n");
  const size_t text_at = tty.out.find(text, prefill_end);
  BOOST_TEST_REQUIRE(prefill_end != std::string::npos, tty.out);
  BOOST_TEST(tty.out.rfind("prefill: ", prefill_end) != std::string::npos, tty.out);
  BOOST_TEST(text_at == prefill_end + 5, tty.out);
  BOOST_TEST(tty.out.find("decode: ") == std::string::npos, tty.out);
  BOOST_TEST(tty.out.find("\r\nprefill ", text_at) != std::string::npos, tty.out);
  BOOST_TEST(tty.out.find("decode 5 tokens", text_at) != std::string::npos, tty.out);
}

// `run` on a terminal: the live frame shows the text as the last pass generates it (plain mode,
// into a pipe, prints it at the end only).
BOOST_AUTO_TEST_CASE(run_shows_text_in_the_live_view_on_a_terminal) {
  const fs::path dir = model_dir("gpt2", "tty_run");
  const std::string db = (scratch().dir / "tty_runs.db").string();
  const std::vector<std::string> args = {
      "run", "--model", dir.string(), "--prompt", "Hello world", "--new", "6", "--db", db};
  const CliResult piped = run_cli(args);
  BOOST_TEST_REQUIRE(piped.exit_code == 0, piped.err);
  BOOST_TEST(piped.out.find("text:") == std::string::npos, piped.out);
  const CliResult tty = run_cli_on_terminal(args);
  BOOST_TEST_REQUIRE(tty.exit_code == 0, tty.out);
  BOOST_TEST(tty.out.find("\x1b[2Ktext:\r\n\x1b[2K  ") != std::string::npos, tty.out);
}

BOOST_AUTO_TEST_CASE(perplexity_matches_transformers_logits) {
  for (const std::string family : {"gpt2", "llama", "qwen3_moe"}) {
    const auto [nll, max_abs] = reference_nll(family);
    const auto j = run_json({"perplexity", "--model", (kFixtures / "hf" / family).string(), "--ids",
                             fixture_ids(family), "--context", "128", "--json"});
    BOOST_TEST(j.at("scored") == 71);
    BOOST_TEST(j.at("windows") == 1);
    // |logit error| <= 1e-4 max|logit| (the fixtures' rule) moves each log-softmax by at most twice
    // that.
    const double bound = 2e-4 * max_abs;
    BOOST_TEST(std::abs(j.at("nll_mean").get<double>() - nll) <= bound,
               family << ": " << j.at("nll_mean") << " vs " << nll);
    BOOST_TEST(std::abs(std::log(j.at("perplexity").get<double>()) - nll) <= bound);
  }
}

BOOST_AUTO_TEST_CASE(perplexity_of_a_text_with_kl_reference) {
  const fs::path dir = model_dir("gpt2", "ppl");
  const std::string text = "The quick brown fox jumps over the lazy dog. ";
  std::string long_text;
  for (int i = 0; i < 6; ++i) long_text += text;
  const fs::path file = scratch().dir / "text.txt";
  std::ofstream(file, std::ios::binary) << long_text;
  const auto j =
      run_json({"perplexity", "--model", dir.string(), "--text-file", file.string(), "--context",
                "32", "--stride", "16", "--kl-reference", dir.string(), "--json"});
  BOOST_TEST(j.at("scored").get<int>() == j.at("tokens").get<int>() - 1);
  BOOST_TEST(j.at("perplexity").get<double>() > 1.0);
  BOOST_TEST(j.at("kl").at("mean").get<double>() == 0.0);  // the same model, same weights dtype
  const auto bf16 = run_json({"perplexity", "--model", dir.string(), "--text-file", file.string(),
                              "--context", "32", "--stride", "16", "--kl-reference", dir.string(),
                              "--kl-reference-dtype", "bf16", "--json"});
  BOOST_TEST(bf16.at("kl").at("mean").get<double>() > 0.0);
  BOOST_TEST(bf16.at("kl").at("max").get<double>() >= bf16.at("kl").at("mean").get<double>());
  const CliResult plain = run_cli(
      {"perplexity", "--model", dir.string(), "--text-file", file.string(), "--context", "32"});
  BOOST_TEST(plain.exit_code == 0, plain.err);
  BOOST_TEST(plain.out.rfind("perplexity ", 0) == 0, plain.out);
}

BOOST_AUTO_TEST_CASE(bad_input) {
  const fs::path dir = model_dir("gpt2", "bad");
  const std::string ids = fixture_ids("gpt2");
  expect_error({"perplexity", "--model", dir.string(), "--ids", ids, "--context", "200"},
               "--context: 200 is longer than the model's context 128");
  expect_error(
      {"perplexity", "--model", dir.string(), "--ids", ids, "--context", "32", "--stride", "40"},
      "--stride");
  expect_error({"perplexity", "--model", dir.string(), "--ids", "1,600"},
               "token id 600 at position 1");
  expect_error({"perplexity", "--model", dir.string()}, "give --text-file F");
  expect_error({"perplexity", "--preset", "gpt2-small", "--text-file",
                (kFixtures / "tokenizers" / "README.md").string()},
               "a text needs a tokenizer");
  expect_error({"generate", "--preset", "gpt2-small", "--prompt", "hi", "--new-tokens", "2"},
               "a text prompt needs a tokenizer");
  expect_error({"generate", "--model", dir.string(), "--prompt", "hi", "--tokens", "1,2",
                "--new-tokens", "2"},
               "not both");
  expect_error({"generate", "--model", dir.string(), "--prompt", "", "--new-tokens", "2"},
               "the prompt has no tokens");
  // A tokenizer with more ids than the model's vocabulary: the prompt's ids are checked.
  expect_error({"generate", "--model", dir.string(), "--tokenizer",
                (kFixtures / "tokenizers" / "gpt2" / "tokenizer.json").string(), "--prompt",
                "Hello world", "--new-tokens", "2"},
               "outside the vocabulary [0, 512)");
}

BOOST_AUTO_TEST_SUITE_END()
