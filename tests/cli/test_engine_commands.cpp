// End-to-end tests of `archscope logits / generate / bench`: the real binary on the Hugging Face
// reference fixtures (logits must match transformers' within the fixtures' tolerance, in one
// prefill and through the KV cache) and on tiny presets, plus the bad-input paths (exit code 2,
// exactly one line on stderr).
#define BOOST_TEST_DYN_LINK
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"
#include "io/npy.hpp"

using archscope::test::CliResult;
using archscope::test::is_one_line;
using archscope::test::read_all;
using archscope::test::run_cli;
namespace fs = std::filesystem;

namespace {

// A scratch directory per test process, removed at exit.
struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("archscope-engine-cli-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};
Scratch& scratch() {
  static Scratch s;
  return s;
}

CliResult run(const std::vector<std::string>& args) {
  const CliResult r = run_cli(args);
  std::string line;
  for (const auto& a : args) line += " " + a.substr(0, 60);
  BOOST_TEST_MESSAGE("archscope" << line << " -> " << r.exit_code << "\n" << r.err);
  return r;
}

// Bad input: exit code 2 and one line on stderr that contains `needle`.
void expect_one_line_error(const std::vector<std::string>& args, const std::string& needle) {
  const CliResult r = run(args);
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(is_one_line(r.err));
  BOOST_TEST(r.err.rfind("archscope: error: ", 0) == 0u);
  BOOST_TEST(r.err.find(needle) != std::string::npos, "stderr: " << r.err << " lacks: " << needle);
}

std::string fixture(const std::string& family) {
  return (fs::path(ARCHSCOPE_FIXTURES) / "hf" / family).string();
}

std::string fixture_tokens(const std::string& family, int& decode_from) {
  const nlohmann::json j =
      nlohmann::json::parse(read_all(fs::path(fixture(family)) / "tokens.json"));
  decode_from = j.at("decode_from").get<int>();
  std::string list;
  for (const auto& t : j.at("tokens"))
    list += (list.empty() ? "" : ",") + std::to_string(t.get<int>());
  return list;
}

// Runs `logits` on a fixture (one prefill, or prefill + decode) and checks the tolerance rule of
// tests/fixtures/hf/README.md: max |engine - ref| <= 1e-4 * max |ref|, over every row.
void check_fixture(const std::string& family, bool through_cache) {
  int decode_from = 0;
  const std::string tokens = fixture_tokens(family, decode_from);
  const fs::path out = scratch().dir / (family + (through_cache ? "-decode.npy" : "-prefill.npy"));
  // fp32 weights: the fixtures' own dtype (the default, bf16, would round them).
  std::vector<std::string> args = {"logits", "--model",         fixture(family), "--tokens",
                                   tokens,   "--out",           out.string(),    "--threads",
                                   "2",      "--weights-dtype", "fp32"};
  if (through_cache) {
    args.push_back("--decode-from");
    args.push_back(std::to_string(decode_from));
  }
  const CliResult r = run(args);
  BOOST_TEST(r.exit_code == 0, r.err);
  if (r.exit_code != 0) return;
  const archscope::NpyArray got = archscope::read_npy(out);
  const archscope::NpyArray ref = archscope::read_npy(fs::path(fixture(family)) / "logits.npy");
  BOOST_TEST(got.shape == ref.shape);
  if (got.shape != ref.shape) return;
  double max_ref = 0, max_diff = 0;
  for (size_t i = 0; i < ref.data.size(); ++i) {
    max_ref = std::max(max_ref, std::fabs(static_cast<double>(ref.data[i])));
    max_diff = std::max(max_diff, std::fabs(static_cast<double>(got.data[i]) - ref.data[i]));
  }
  BOOST_TEST_MESSAGE(family << (through_cache ? " prefill+decode" : " prefill") << ": max diff "
                            << max_diff << ", allowed " << 1e-4 * max_ref);
  BOOST_TEST(max_diff <= 1e-4 * max_ref);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(engine_commands)

BOOST_AUTO_TEST_CASE(logits_match_hf_llama) {
  check_fixture("llama", false);
  check_fixture("llama", true);
}

BOOST_AUTO_TEST_CASE(logits_match_hf_mixtral_moe) {
  check_fixture("mixtral", false);
  check_fixture("mixtral", true);
}

// The other families (each run takes milliseconds): MoE with dense layers, MLA, linear attention,
// sliding / chunked windows, sinks, post-norm, NoPE layers.
BOOST_AUTO_TEST_CASE(logits_match_hf_every_other_family) {
  for (const char* family : {"mistral", "qwen3", "qwen3_moe", "qwen3_next", "gemma3_text", "olmo2",
                             "deepseek_v3", "gpt_oss", "smollm3", "glm4_moe", "llama4_text"}) {
    BOOST_TEST_CONTEXT(family) {
      check_fixture(family, false);
      check_fixture(family, true);
    }
  }
}

BOOST_AUTO_TEST_CASE(logits_of_a_preset_are_seeded_and_cache_consistent) {
  const auto logits = [](const std::string& seed, const std::string& name,
                         std::vector<std::string> extra = {}) {
    const fs::path out = scratch().dir / name;
    std::vector<std::string> args = {
        "logits", "--preset", "llama3-mini", "--tokens", "5,17,300,2,999,41", "--threads",
        "2",      "--seed",   seed,          "--out",    out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = run(args);
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    return archscope::read_npy(out);
  };
  const auto a = logits("3", "a.npy"), b = logits("3", "b.npy"), c = logits("4", "c.npy");
  const auto d = logits("3", "d.npy", {"--decode-from", "0"});
  BOOST_TEST(a.shape == std::vector<int64_t>({6, 1024}));
  BOOST_TEST(a.data == b.data);  // same seed: same weights, same logits
  BOOST_TEST(a.data != c.data);
  // Every token through the decode path from an empty cache agrees with the one-pass prefill.
  double max_diff = 0, max_ref = 0;
  for (size_t i = 0; i < a.data.size(); ++i) {
    max_ref = std::max(max_ref, std::fabs(static_cast<double>(a.data[i])));
    max_diff = std::max(max_diff, std::fabs(static_cast<double>(d.data[i]) - a.data[i]));
  }
  BOOST_TEST(max_diff <= 1e-4 * max_ref);
}

// "sequence i (n prompt tokens): t t t" -> the ids, for sequence `index` of the output.
std::vector<int> generated_ids(const std::string& out, int index) {
  const std::string head = "sequence " + std::to_string(index) + " (";
  const size_t at = out.find(head);
  if (at == std::string::npos) return {};
  const size_t colon = out.find("):", at);
  std::istringstream ids(out.substr(colon + 2, out.find('\n', at) - colon - 2));
  std::vector<int> v;
  for (int id = 0; ids >> id;) v.push_back(id);
  return v;
}

BOOST_AUTO_TEST_CASE(generate_runs_a_batch_of_different_lengths) {
  const CliResult r =
      run({"generate", "--preset", "llama3-mini", "--tokens", "1,2,3;40,50;7,8,9,10,11",
           "--new-tokens", "5", "--temperature", "0", "--threads", "2"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  for (int s = 0; s < 3; ++s) {
    const auto ids = generated_ids(r.out, s);
    BOOST_TEST(ids.size() == 5u);
    for (int id : ids) BOOST_TEST((id >= 0 && id < 1024));
  }
  BOOST_TEST(generated_ids(r.out, 3).empty());
  BOOST_TEST(r.out.find("sequence 2 (5 prompt tokens):") != std::string::npos);
  BOOST_TEST(r.out.find("prefill 10 tokens in") != std::string::npos);
  BOOST_TEST(r.out.find("decode 12 tokens in") != std::string::npos);
  // Not a terminal: one progress line per phase, no carriage returns.
  BOOST_TEST(r.err.find("prefill: 10/10 tokens") != std::string::npos);
  BOOST_TEST(r.err.find("decode: 12/12 tokens") != std::string::npos);
  BOOST_TEST(r.err.find('\r') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(generate_is_repeatable_for_a_seed_and_batching_does_not_change_greedy) {
  const auto sampled = [](const std::string& seed) {
    const CliResult r = run({"generate", "--preset", "llama3-mini", "--prompt-tokens", "6",
                             "--new-tokens", "6", "--batch", "2", "--threads", "2", "--temperature",
                             "1.0", "--top-k", "50", "--top-p", "0.9", "--seed", seed});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    return std::vector<std::vector<int>>{generated_ids(r.out, 0), generated_ids(r.out, 1)};
  };
  const auto a = sampled("9");
  BOOST_TEST(a[0].size() == 6u);
  BOOST_TEST(a == sampled("9"));
  // Greedy: a sequence's tokens do not depend on the others decoded beside it.
  const CliResult batch = run({"generate", "--preset", "llama3-mini", "--tokens", "3,1,4,1,5;9,2,6",
                               "--new-tokens", "4", "--temperature", "0", "--threads", "2"});
  const CliResult alone = run({"generate", "--preset", "llama3-mini", "--tokens", "9,2,6",
                               "--new-tokens", "4", "--temperature", "0", "--threads", "2"});
  BOOST_TEST_REQUIRE(batch.exit_code == 0, batch.err);
  BOOST_TEST_REQUIRE(alone.exit_code == 0, alone.err);
  BOOST_TEST(generated_ids(batch.out, 1).size() == 4u);
  BOOST_TEST(generated_ids(batch.out, 1) == generated_ids(alone.out, 0));
}

BOOST_AUTO_TEST_CASE(bench_reports_measurements_and_roofline) {
  const CliResult r = run({"bench", "--preset", "llama3-mini", "--prompt", "16", "--new", "4",
                           "--threads", "2", "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  BOOST_TEST(j.at("prefill").at("tokens").get<int>() == 16);
  BOOST_TEST(j.at("prefill").at("tokens_per_s").get<double>() > 0.0);
  BOOST_TEST(j.at("decode").at("steps").get<int>() == 4);
  BOOST_TEST(j.at("decode").at("ms_per_token").get<double>() > 0.0);
  BOOST_TEST(j.at("roofline").at("read_gbs").get<double>() > 0.0);
  const double frac = j.at("decode").at("fraction_of_roofline").get<double>();
  BOOST_TEST((frac > 0.0 && std::isfinite(frac)));
  BOOST_TEST(j.at("prefill").at("fraction_of_gemm_peak").get<double>() > 0.0);
  // The floor is the plan's bytes per step over the measured bandwidth.
  BOOST_TEST(j.at("roofline").at("decode_floor_ms_per_token").get<double>() ==
                 1e3 * j.at("decode").at("plan_bytes_read_per_step").get<double>() /
                     (j.at("roofline").at("read_gbs").get<double>() * 1e9),
             boost::test_tools::tolerance(1e-9));
  BOOST_TEST(j.at("memory").at("peak_rss_bytes").get<uint64_t>() > 0u);
  BOOST_TEST(j.at("memory").at("weights_bytes").get<uint64_t>() > 0u);
  // Ceilings no archscope kernel takes part in: Debian's OpenBLAS sgemm measured in this run
  // (packaging/install-deps.sh installs libopenblas0-pthread) and, for a CPU the per-cycle table
  // knows, the theoretical FMA peak = FLOP/cycle x cores x clock.
  const nlohmann::json& roof = j.at("roofline");
  BOOST_TEST_REQUIRE(roof.at("openblas_sgemm_tflops").is_number(), roof.at("openblas"));
  BOOST_TEST(roof.at("openblas").get<std::string>().find("libopenblas") != std::string::npos);
  BOOST_TEST(roof.at("openblas_sgemm_tflops").get<double>() > 0.0);
  BOOST_TEST(j.at("prefill").at("fraction_of_openblas_sgemm").get<double>() ==
                 j.at("prefill").at("tflops_per_s").get<double>() /
                     roof.at("openblas_sgemm_tflops").get<double>(),
             boost::test_tools::tolerance(1e-9));
  const nlohmann::json& cpu = roof.at("cpu");
  std::ifstream info("/proc/cpuinfo");
  std::string model_name = "unknown";
  for (std::string line; std::getline(info, line);)
    if (line.rfind("model name", 0) == 0) {
      model_name = line.substr(line.find_first_not_of(" \t", line.find(':') + 1));
      break;
    }
  BOOST_TEST(cpu.at("model_name") == model_name);
  if (cpu.at("fp32_flops_per_cycle_per_core").get<int>() > 0) {
    BOOST_TEST(roof.at("fma_peak_tflops").get<double>() ==
                   cpu.at("fp32_flops_per_cycle_per_core").get<int>() *
                       cpu.at("physical_cores").get<int>() * cpu.at("ghz").get<double>() / 1e3,
               boost::test_tools::tolerance(1e-9));
    BOOST_TEST(j.at("prefill").at("fraction_of_fma_peak").get<double>() > 0.0);
    // A measured rate above the peak at the reported clock is explained by the least clock.
    const double gemm = roof.at("gemm_peak_tflops").get<double>();
    if (gemm > roof.at("fma_peak_tflops").get<double>())
      BOOST_TEST(roof.at("clock_at_least_ghz").get<double>() ==
                     gemm * 1e3 /
                         (cpu.at("fp32_flops_per_cycle_per_core").get<int>() *
                          cpu.at("physical_cores").get<int>()),
                 boost::test_tools::tolerance(1e-9));
    else
      BOOST_TEST(roof.at("clock_at_least_ghz").is_null());
  } else {
    BOOST_TEST(roof.at("fma_peak_tflops").is_null());
    BOOST_TEST(j.at("prefill").at("fraction_of_fma_peak").is_null());
  }
}

BOOST_AUTO_TEST_CASE(bad_input_is_one_line_and_exit_code_2) {
  const std::string out = (scratch().dir / "bad.npy").string();
  const auto logits = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"logits", "--preset", "llama3-mini", "--out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  expect_one_line_error(
      logits({"--tokens", "1,2,1024"}),
      "--tokens: token id 1024 at position 2 is outside the vocabulary [0, 1024)");
  expect_one_line_error(logits({"--tokens", "1,x,3"}),
                        "--tokens: 'x' at position 1 is not an integer token id");
  expect_one_line_error(logits({"--tokens", "1,,3"}), "empty token id at position 1");
  expect_one_line_error(logits({"--tokens", "1,2", "--decode-from", "3"}), "--decode-from");
  expect_one_line_error(logits({"--tokens", "1,2", "--weights-dtype", "int8"}), "--weights-dtype");
  expect_one_line_error(
      {"logits", "--model", "/nonexistent/model-dir", "--tokens", "1,2", "--out", out},
      "/nonexistent/model-dir");
  expect_one_line_error(
      {"generate", "--preset", "llama3-mini", "--tokens", "1,2;3,5000", "--new-tokens", "2"},
      "--tokens (sequence 1): token id 5000 at position 1");
  expect_one_line_error({"generate", "--preset", "llama3-mini", "--prompt-tokens", "4",
                         "--new-tokens", "2", "--top-p", "1.5"},
                        "--top-p");
  expect_one_line_error({"bench", "--preset", "llama3-mini", "--prompt", "0", "--new", "2"},
                        "--prompt");
  BOOST_TEST(!fs::exists(out));
}

BOOST_AUTO_TEST_CASE(a_model_too_large_for_memory_is_refused_before_allocating) {
  // DeepSeek-V3 at bf16 is over a terabyte: refused from the plan's byte count before anything
  // is allocated.
  expect_one_line_error({"generate", "--preset", "deepseek-v3", "--prompt-tokens", "4",
                         "--new-tokens", "2", "--weights-dtype", "bf16"},
                        "MemAvailable");
}

BOOST_AUTO_TEST_SUITE_END()
