// End-to-end tests of `archscope logits / generate / bench`: the real binary on the Hugging Face
// reference fixtures (logits must match transformers' within the fixtures' tolerance, in one
// prefill and through the KV cache) and on tiny presets, plus the bad-input paths (exit code 2,
// exactly one line on stderr).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/npy.hpp"

namespace fs = std::filesystem;

namespace {

struct CliRun {
  int code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

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

CliRun run_cli(const std::string& args) {
  static int counter = 0;
  const fs::path out = scratch().dir / ("out" + std::to_string(counter));
  const fs::path err = scratch().dir / ("err" + std::to_string(counter++));
  const std::string cmd = std::string("'") + ARCHSCOPE_CLI + "' " + args + " >'" + out.string() +
                          "' 2>'" + err.string() + "' </dev/null";
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  BOOST_TEST_MESSAGE("archscope " << args << " -> " << r.code << "\n" << r.err);
  return r;
}

// Bad input: exit code 2 and one line on stderr that contains `needle`.
void expect_one_line_error(const std::string& args, const std::string& needle) {
  const CliRun r = run_cli(args);
  BOOST_TEST(r.code == 2);
  BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  BOOST_TEST(r.err.rfind("archscope: error: ", 0) == 0u);
  BOOST_TEST(r.err.find(needle) != std::string::npos, "stderr: " << r.err << " lacks: " << needle);
}

std::string fixture(const std::string& family) {
  return (fs::path(ARCHSCOPE_FIXTURES) / "hf" / family).string();
}

std::string fixture_tokens(const std::string& family, int& decode_from) {
  const nlohmann::json j = nlohmann::json::parse(slurp(fs::path(fixture(family)) / "tokens.json"));
  decode_from = j.at("decode_from").get<int>();
  std::string list;
  for (const auto& t : j.at("tokens")) list += (list.empty() ? "" : ",") + std::to_string(t.get<int>());
  return list;
}

// Runs `logits` on a fixture (one prefill, or prefill + decode) and checks the tolerance rule of
// tests/fixtures/hf/README.md: max |engine - ref| <= 1e-4 * max |ref|, over every row.
void check_fixture(const std::string& family, bool through_cache) {
  int decode_from = 0;
  const std::string tokens = fixture_tokens(family, decode_from);
  const fs::path out = scratch().dir / (family + (through_cache ? "-decode.npy" : "-prefill.npy"));
  std::string args = "logits --model '" + fixture(family) + "' --tokens " + tokens + " --out '" +
                     out.string() + "' --threads 2";
  if (through_cache) args += " --decode-from " + std::to_string(decode_from);
  const CliRun r = run_cli(args);
  BOOST_TEST_REQUIRE(r.code == 0, r.err);
  const archscope::NpyArray got = archscope::read_npy(out);
  const archscope::NpyArray ref = archscope::read_npy(fs::path(fixture(family)) / "logits.npy");
  BOOST_TEST_REQUIRE(got.shape == ref.shape);
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

BOOST_AUTO_TEST_CASE(logits_match_hf_qwen3_moe_with_a_dense_layer) {
  check_fixture("qwen3_moe", false);
  check_fixture("qwen3_moe", true);
}

BOOST_AUTO_TEST_CASE(logits_of_a_preset_are_seeded_and_cache_consistent) {
  const fs::path a = scratch().dir / "mini-a.npy", b = scratch().dir / "mini-b.npy";
  const fs::path c = scratch().dir / "mini-c.npy", d = scratch().dir / "mini-d.npy";
  const std::string common = "logits --preset llama3-mini --tokens 5,17,300,2,999,41 --threads 2 ";
  BOOST_TEST_REQUIRE(run_cli(common + "--seed 3 --out '" + a.string() + "'").code == 0);
  BOOST_TEST_REQUIRE(run_cli(common + "--seed 3 --out '" + b.string() + "'").code == 0);
  BOOST_TEST_REQUIRE(run_cli(common + "--seed 4 --out '" + c.string() + "'").code == 0);
  BOOST_TEST_REQUIRE(run_cli(common + "--seed 3 --decode-from 0 --out '" + d.string() + "'").code == 0);
  const auto na = archscope::read_npy(a), nb = archscope::read_npy(b), nc = archscope::read_npy(c);
  const auto nd = archscope::read_npy(d);
  BOOST_TEST(na.shape == std::vector<int64_t>({6, 1024}));
  BOOST_TEST(na.data == nb.data);  // same seed: same weights, same logits
  BOOST_TEST(na.data != nc.data);
  // Every token through the decode path from an empty cache agrees with the one-pass prefill.
  double max_diff = 0, max_ref = 0;
  for (size_t i = 0; i < na.data.size(); ++i) {
    max_ref = std::max(max_ref, std::fabs(static_cast<double>(na.data[i])));
    max_diff = std::max(max_diff, std::fabs(static_cast<double>(nd.data[i]) - na.data[i]));
  }
  BOOST_TEST(max_diff <= 1e-4 * max_ref);
}

BOOST_AUTO_TEST_CASE(generate_runs_a_batch_of_different_lengths) {
  const CliRun r = run_cli(
      "generate --preset llama3-mini --tokens '1,2,3;40,50;7,8,9,10,11' --new-tokens 5 "
      "--temperature 0 --threads 2");
  BOOST_TEST_REQUIRE(r.code == 0, r.err);
  std::istringstream lines(r.out);
  std::string line;
  int sequences = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("sequence ", 0) != 0) continue;
    ++sequences;
    // "sequence i (n prompt tokens): t t t t t"
    std::istringstream ids(line.substr(line.find("):") + 2));
    int id = 0, count = 0;
    while (ids >> id) {
      BOOST_TEST((id >= 0 && id < 1024));
      ++count;
    }
    BOOST_TEST(count == 5);
  }
  BOOST_TEST(sequences == 3);
  BOOST_TEST(r.out.find("sequence 2 (5 prompt tokens):") != std::string::npos);
  BOOST_TEST(r.out.find("prefill 10 tokens in") != std::string::npos);
  BOOST_TEST(r.out.find("decode 12 tokens in") != std::string::npos);
  // Not a terminal: one progress line per phase, no carriage returns.
  BOOST_TEST(r.err.find("prefill: 10/10 tokens") != std::string::npos);
  BOOST_TEST(r.err.find("decode: 12/12 tokens") != std::string::npos);
  BOOST_TEST(r.err.find('\r') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(generate_is_repeatable_for_a_seed_and_greedy_matches_a_batch_of_one) {
  const std::string args =
      "generate --preset llama3-mini --prompt-tokens 6 --new-tokens 6 --batch 2 --threads 2 "
      "--temperature 1.0 --top-k 50 --top-p 0.9 --seed ";
  const CliRun a = run_cli(args + "9"), b = run_cli(args + "9");
  BOOST_TEST_REQUIRE(a.code == 0, a.err);
  const auto ids_only = [](const std::string& out) { return out.substr(0, out.find("prefill ")); };
  BOOST_TEST(ids_only(a.out) == ids_only(b.out));
  // Greedy: a sequence's tokens do not depend on the others decoded beside it.
  const CliRun batch = run_cli(
      "generate --preset llama3-mini --tokens '3,1,4,1,5;9,2,6' --new-tokens 4 --temperature 0 --threads 2");
  const CliRun alone = run_cli(
      "generate --preset llama3-mini --tokens '9,2,6' --new-tokens 4 --temperature 0 --threads 2");
  BOOST_TEST_REQUIRE(batch.code == 0);
  BOOST_TEST_REQUIRE(alone.code == 0);
  const auto tail = [](const std::string& out, const std::string& head) {
    const size_t at = out.find(head);
    return at == std::string::npos ? std::string("missing") : out.substr(out.find("):", at), out.find('\n', at) - out.find("):", at));
  };
  BOOST_TEST(tail(batch.out, "sequence 1 ") == tail(alone.out, "sequence 0 "));
}

BOOST_AUTO_TEST_CASE(bench_reports_measurements_and_roofline) {
  const CliRun r = run_cli("bench --preset llama3-mini --prompt 16 --new 4 --threads 2 --json");
  BOOST_TEST_REQUIRE(r.code == 0, r.err);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  BOOST_TEST(j.at("prefill").at("tokens").get<int>() == 16);
  BOOST_TEST(j.at("prefill").at("tokens_per_s").get<double>() > 0.0);
  BOOST_TEST(j.at("decode").at("steps").get<int>() == 4);
  BOOST_TEST(j.at("decode").at("ms_per_token").get<double>() > 0.0);
  BOOST_TEST(j.at("roofline").at("read_gbs").get<double>() > 0.0);
  BOOST_TEST(j.at("roofline").at("decode_floor_ms_per_token").get<double>() > 0.0);
  const double frac = j.at("decode").at("fraction_of_roofline").get<double>();
  BOOST_TEST((frac > 0.0 && std::isfinite(frac)));
  BOOST_TEST(j.at("prefill").at("fraction_of_gemm_peak").get<double>() > 0.0);
  // The floor is the plan's bytes over the measured bandwidth.
  BOOST_TEST(j.at("roofline").at("decode_floor_ms_per_token").get<double>() ==
                 1e3 * j.at("decode").at("plan_bytes_read_per_step").get<double>() /
                     (j.at("roofline").at("read_gbs").get<double>() * 1e9),
             boost::test_tools::tolerance(1e-9));
  BOOST_TEST(j.at("memory").at("peak_rss_bytes").get<uint64_t>() > 0u);
  BOOST_TEST(j.at("memory").at("weights_bytes").get<uint64_t>() > 0u);
}

BOOST_AUTO_TEST_CASE(bad_input_is_one_line_and_exit_code_2) {
  const std::string out = " --out '" + (scratch().dir / "bad.npy").string() + "'";
  expect_one_line_error("logits --preset llama3-mini --tokens 1,2,1024" + out,
                        "--tokens: token id 1024 at position 2 is outside the vocabulary [0, 1024)");
  expect_one_line_error("logits --preset llama3-mini --tokens 1,x,3" + out,
                        "--tokens: 'x' at position 1 is not an integer token id");
  expect_one_line_error("logits --preset llama3-mini --tokens 1,,3" + out, "empty token id at position 1");
  expect_one_line_error("logits --model /nonexistent/model-dir --tokens 1,2" + out, "/nonexistent/model-dir");
  expect_one_line_error("logits --preset llama3-mini --tokens 1,2 --decode-from 3" + out, "--decode-from");
  expect_one_line_error("logits --preset llama3-mini --tokens 1,2 --weights-dtype int8" + out,
                        "--weights-dtype");
  expect_one_line_error("generate --preset llama3-mini --tokens '1,2;3,5000' --new-tokens 2",
                        "--tokens (sequence 1): token id 5000 at position 1");
  expect_one_line_error("generate --preset llama3-mini --prompt-tokens 4 --new-tokens 2 --top-p 1.5",
                        "--top-p");
  expect_one_line_error("bench --preset llama3-mini --prompt 0 --new 2", "--prompt");
  BOOST_TEST(!fs::exists(scratch().dir / "bad.npy"));
}

BOOST_AUTO_TEST_CASE(a_model_too_large_for_memory_is_refused_before_allocating) {
  // DeepSeek-V3 at bf16 is over a terabyte: refused from the plan's byte count, in well under a
  // second and without touching that memory.
  expect_one_line_error("generate --preset deepseek-v3 --prompt-tokens 4 --new-tokens 2 --weights-dtype bf16",
                        "MemAvailable");
}

BOOST_AUTO_TEST_SUITE_END()
