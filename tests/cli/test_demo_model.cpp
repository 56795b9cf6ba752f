// The trained demo model shipped under assets/models/stdlib-moe-6m, through the real CLI, against
// what transformers and HF tokenizers produced for it on the GPU machine (tools/train_demo_moe.py):
// tests/fixtures/demo_moe/tokens.json holds held-out snippets of Python's standard library as HF
// tokenizers encoded them, logits.npy their float64 reference logits from transformers (the saved
// bf16 weights promoted to float64: all 64 rows of sequence 0, then the last row of sequences 1
// and 2), and training-report.json HF's greedy continuations of three prompts.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli_runner.hpp"
#include "io/npy.hpp"

using archscope::test::CliResult;
using archscope::test::read_all;
using archscope::test::run_cli;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const fs::path kModel = fs::path(ARCHSCOPE_SOURCE_DIR) / "assets" / "models" / "stdlib-moe-6m";
const fs::path kFixture = fs::path(ARCHSCOPE_FIXTURES) / "demo_moe";

// The parity rule of tests/model/parity_support.hpp: max |engine - reference| <= 1e-5 * max |ref|.
// The engine computes in fp32 on the checkpoint's bf16 weights exactly as stored (--weights-dtype
// bf16 stores them without rounding), as the reference does in float64.
constexpr double kTolerance = 1e-5;

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("archscope-demo-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};

const json& tokens_json() {
  static const json j = json::parse(read_all(kFixture / "tokens.json"));
  return j;
}

std::string id_list(const json& ids) {
  std::string s;
  for (const auto& t : ids) s += (s.empty() ? "" : ",") + std::to_string(t.get<int>());
  return s;
}

// Logits of one sequence through `archscope logits`; rows [0, T).
archscope::NpyArray logits_of(const Scratch& tmp, const json& ids, int decode_from) {
  const fs::path out = tmp.dir / ("logits-" + std::to_string(decode_from) + "-" +
                                  std::to_string(ids.size()) + ".npy");
  std::vector<std::string> args = {"logits",    "--model", kModel.string(), "--tokens",
                                   id_list(ids), "--out",  out.string(),    "--threads",
                                   "2"};
  if (decode_from > 0) {
    args.push_back("--decode-from");
    args.push_back(std::to_string(decode_from));
  }
  const CliResult r = run_cli(args);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  return archscope::read_npy(out);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(demo_model)

BOOST_AUTO_TEST_CASE(tokenizer_gives_hf_tokenizers_ids) {
  const json& j = tokens_json();
  for (size_t i = 0; i < j.at("texts").size(); ++i) {
    const CliResult r = run_cli({"tokenize", "--model", kModel.string(), "--text",
                                 j.at("texts")[i].get<std::string>(), "--json"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    const json got = json::parse(r.out).at("ids");
    const json& want = j.at("sequences")[i];  // the first 64 ids of the snippet
    BOOST_TEST_REQUIRE(got.size() >= want.size());
    BOOST_TEST((json(std::vector<json>(got.begin(), got.begin() + want.size())) == want),
               "snippet " << i);
  }
}

BOOST_AUTO_TEST_CASE(logits_equal_transformers_float64) {
  Scratch tmp;
  const json& seqs = tokens_json().at("sequences");
  const archscope::NpyArray ref = archscope::read_npy(kFixture / "logits.npy");
  const int64_t V = ref.shape.at(1), T0 = static_cast<int64_t>(seqs[0].size());
  BOOST_TEST_REQUIRE(ref.shape.at(0) == T0 + 2);
  double max_ref = 0;
  for (float v : ref.data) max_ref = std::max(max_ref, static_cast<double>(std::fabs(v)));
  const auto rel = [&](const archscope::NpyArray& got, int64_t got_row, int64_t ref_row, int64_t rows) {
    double m = 0;
    for (int64_t i = 0; i < rows * V; ++i)
      m = std::max(m, std::fabs(static_cast<double>(got.data[got_row * V + i]) -
                                ref.data[ref_row * V + i]));
    return m / max_ref;
  };
  // Sequence 0: every row, in one prefill and through the KV cache (32 prefilled, 32 decoded).
  for (int decode_from : {0, 32}) {
    const archscope::NpyArray got = logits_of(tmp, seqs[0], decode_from);
    BOOST_TEST_REQUIRE((got.shape == std::vector<int64_t>{T0, V}));
    const double e = rel(got, 0, 0, T0);
    BOOST_TEST_MESSAGE("sequence 0, decode from " << decode_from << ": " << e);
    BOOST_TEST(e <= kTolerance);
  }
  // Sequences 1 and 2: their last rows.
  for (int s = 1; s <= 2; ++s) {
    const archscope::NpyArray got = logits_of(tmp, seqs[s], 0);
    const double e = rel(got, got.shape.at(0) - 1, T0 + s - 1, 1);
    BOOST_TEST_MESSAGE("sequence " << s << " last row: " << e);
    BOOST_TEST(e <= kTolerance);
  }
}

// Greedy decoding continues each prompt as transformers' generate(do_sample=False) did (its text
// in training-report.json). A greedy choice could flip only where two logits are closer than the
// engines' rounding differences (~1e-6 of max |logit| above), which these 24 tokens never are.
BOOST_AUTO_TEST_CASE(greedy_text_matches_transformers) {
  const json report = json::parse(read_all(kModel / "training-report.json"));
  for (const auto& [prompt, hf_text] : report.at("samples").items()) {
    const CliResult r = run_cli({"generate", "--model", kModel.string(), "--prompt", prompt,
                                 "--new-tokens", "24", "--temperature", "0", "--json"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    const std::string text = json::parse(r.out).at("sequences")[0].at("text").get<std::string>();
    const std::string want = hf_text.get<std::string>();
    BOOST_TEST(want.rfind(prompt + text, 0) == 0u, "ours: " << prompt + text << "\nHF: " << want);
  }
}

BOOST_AUTO_TEST_SUITE_END()
