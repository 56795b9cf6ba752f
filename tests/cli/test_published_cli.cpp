// A checkpoint published quantized through the real CLI: the gpt-oss fixture in gpt-oss's MXFP4
// layout (tests/model/published_checkpoint.hpp builds it with spec encoders) gives the same
// logits bit for bit as a plain checkpoint of its decoded values; `logits` says what it loaded;
// --weights-quant on it is one error line; `analyze --hf-config` counts the file's true bytes;
// `run` records the checkpoint's format, and `runs show` prints it.
#define BOOST_TEST_DYN_LINK
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.hpp"
#include "io/npy.hpp"
#include "model/published_checkpoint.hpp"

using archscope::test::CliResult;
using archscope::test::run_cli;
using namespace archscope::test;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const fs::path kFixture = fs::path(ARCHSCOPE_FIXTURES) / "hf" / "gpt_oss";
const std::string kTokens = "1,17,300,5,77,12,12,3";

struct Checkpoints {
  PublishedPair pair =
      published_pair(kFixture / "model.safetensors", gpt_oss_mxfp4_tensor, mxfp4_experts);
  TempCheckpoint quantized{"cli_mxfp4", kFixture / "config.json", gpt_oss_quant_config(),
                           pair.quantized};
  TempCheckpoint plain{"cli_plain", kFixture / "config.json", nullptr, pair.plain};
};

Checkpoints& checkpoints() {
  static Checkpoints c;
  return c;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(published_cli)

BOOST_AUTO_TEST_CASE(logits_equal_the_decoded_checkpoints) {
  const Checkpoints& c = checkpoints();
  const std::string a = (c.quantized.dir / "a.npy").string(), b = (c.plain.dir / "b.npy").string();
  for (const char* dtype : {"fp32", "bf16"}) {
    const CliResult q = run_cli({"logits", "--model", c.quantized.dir.string(), "--tokens", kTokens,
                                 "--weights-dtype", dtype, "--threads", "1", "--out", a});
    BOOST_REQUIRE_MESSAGE(q.exit_code == 0, q.err);
    BOOST_TEST(has(q.err, "checkpoint published in mxfp4, 4 tensors"), q.err);
    BOOST_TEST(has(q.err, "4.2500 bits/weight"), q.err);
    const CliResult p = run_cli({"logits", "--model", c.plain.dir.string(), "--tokens", kTokens,
                                 "--weights-dtype", dtype, "--threads", "1", "--out", b});
    BOOST_REQUIRE_MESSAGE(p.exit_code == 0, p.err);
    BOOST_TEST(!has(p.err, "checkpoint published"), p.err);
    const auto la = archscope::read_npy(a), lb = archscope::read_npy(b);
    BOOST_REQUIRE(la.data.size() == lb.data.size());
    BOOST_TEST(std::memcmp(la.data.data(), lb.data.data(), la.data.size() * 4) == 0);
  }
}

BOOST_AUTO_TEST_CASE(weights_quant_on_it_is_refused) {
  const CliResult r = run_cli({"logits", "--model", checkpoints().quantized.dir.string(),
                               "--tokens", kTokens, "--weights-quant", "q8_0", "--threads", "1",
                               "--out", (checkpoints().quantized.dir / "x.npy").string()});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(
      r.err.rfind(
          "archscope: error: --weights-quant: q8_0 on a checkpoint already published in mxfp4",
          0) == 0,
      r.err);
  BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
  BOOST_TEST(!fs::exists(checkpoints().quantized.dir / "x.npy"));
}

BOOST_AUTO_TEST_CASE(analyze_counts_the_files_bytes) {
  const Checkpoints& c = checkpoints();
  uint64_t file = 0;
  for (const auto& [name, t] : c.pair.quantized) file += t.bytes.size();
  const std::string config = (c.quantized.dir / "config.json").string();
  const CliResult r =
      run_cli({"analyze", "--hf-config", config, "--weights-dtype", "fp32", "--json"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const json j = json::parse(r.out);
  BOOST_TEST(j.at("options").at("weights_quant") == "mxfp4");
  BOOST_TEST(j.at("options").at("weights_quant_scope") == "routed_experts");
  BOOST_TEST(j.at("weights_bytes").get<uint64_t>() == file);
  const CliResult text = run_cli({"analyze", "--hf-config", config});
  BOOST_TEST(has(text.out, "routed experts mxfp4"), text.out);
  const CliResult q = run_cli({"analyze", "--hf-config", config, "--weights-quant", "q4_0"});
  BOOST_TEST(q.exit_code == 2);
  BOOST_TEST(
      q.err.rfind("archscope: error: --weights-quant: q4_0 on a checkpoint published in mxfp4",
                  0) == 0,
      q.err);
}

BOOST_AUTO_TEST_CASE(run_records_the_checkpoints_format) {
  const Checkpoints& c = checkpoints();
  const std::string db = (c.quantized.dir / "runs.db").string();
  const CliResult r = run_cli({"run", "--model", c.quantized.dir.string(), "--prompt", "4", "--new",
                               "2", "--threads", "1", "--warmup", "0", "--db", db, "--json"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const std::string id = std::to_string(json::parse(r.out).at("run_id").get<int64_t>());
  const CliResult show = run_cli({"runs", "show", id, "--db", db});
  BOOST_REQUIRE_MESSAGE(show.exit_code == 0, show.err);
  BOOST_TEST(has(show.out, "quant:    mxfp4 (quantized weights held dequantized in bf16)"),
             show.out);
  const json shown = json::parse(run_cli({"runs", "show", id, "--json", "--db", db}).out);
  BOOST_TEST(shown.dump().find("\"weights_quant\":\"mxfp4\"") != std::string::npos, shown.dump());
}

BOOST_AUTO_TEST_SUITE_END()
