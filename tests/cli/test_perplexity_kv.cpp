// `perplexity --kv-dtype X` (issue 12 item 4): the model runs with an int8 / fp8 KV cache, and its
// perplexity is the one recomputed here in float64 from `logits --kv-dtype X` on the same tokens
// (one window: every next token scored once, mean NLL of the log-softmax of the row before it).
// The cache's rounding reaches the result (it differs from the fp32 cache's), --json names the
// dtype, and an unknown dtype is one line naming the accepted ones.
#define BOOST_TEST_DYN_LINK
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"
#include "io/npy.hpp"

using archscope::test::CliResult;
using archscope::test::run_cli;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const fs::path kModel = fs::path(ARCHSCOPE_SOURCE_DIR) / "assets" / "models" / "stdlib-moe-6m";
const std::vector<int> kIds = {17, 300,  5, 1021, 77,  4000, 12, 12, 912, 3,
                               64, 2048, 1, 99,   250, 731,  8,  8,  8,   640};

std::string joined(const std::vector<int>& v) {
  std::string s;
  for (int x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
  return s;
}

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("archscope-pplkv-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};

// Mean over t of -log softmax(logits[t])[ids[t + 1]], float64.
double nll_from_logits(const std::string& npy) {
  const auto l = archscope::read_npy(npy);
  const int64_t T = l.shape[0], V = l.shape[1];
  double sum = 0;
  for (int64_t t = 0; t + 1 < T; ++t) {
    const float* row = l.data.data() + t * V;
    double m = -1e300;
    for (int64_t i = 0; i < V; ++i) m = std::max(m, static_cast<double>(row[i]));
    double z = 0;
    for (int64_t i = 0; i < V; ++i) z += std::exp(row[i] - m);
    sum += -(row[kIds[static_cast<size_t>(t + 1)]] - m - std::log(z));
  }
  return sum / static_cast<double>(T - 1);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_perplexity_kv)

BOOST_AUTO_TEST_CASE(perplexity_with_a_quantized_cache_is_the_logits_perplexity) {
  Scratch s;
  const std::string ids = joined(kIds);
  double fp32_nll = 0;
  for (const std::string dtype : {"fp32", "int8", "fp8"}) {
    BOOST_TEST_CONTEXT(dtype) {
      const CliResult p =
          run_cli({"perplexity", "--model", kModel.string(), "--ids", ids, "--context", "32",
                   "--kv-dtype", dtype, "--threads", "1", "--json"});
      BOOST_REQUIRE_MESSAGE(p.exit_code == 0, p.err);
      const json j = json::parse(p.out);
      BOOST_TEST(j["kv_dtype"].get<std::string>() == dtype);
      BOOST_TEST(j["windows"].get<int>() == 1);
      const std::string out = (s.dir / (dtype + ".npy")).string();
      const CliResult l =
          run_cli({"logits", "--model", kModel.string(), "--tokens", ids, "--weights-dtype", "fp32",
                   "--kv-dtype", dtype, "--threads", "1", "--out", out});
      BOOST_REQUIRE_MESSAGE(l.exit_code == 0, l.err);
      const double want = nll_from_logits(out);
      // Both runs compute the same fp32 logits (same kernels, same cache); the perplexity's
      // float64 sums against ours differ by rounding only.
      BOOST_TEST(j["nll_mean"].get<double>() == want, boost::test_tools::tolerance(1e-9));
      if (dtype == "fp32")
        fp32_nll = want;
      else
        BOOST_TEST(want != fp32_nll);  // the cache's rounding reaches the perplexity
    }
  }
  const CliResult bad =
      run_cli({"perplexity", "--model", kModel.string(), "--ids", ids, "--kv-dtype", "int4"});
  BOOST_TEST(bad.exit_code == 2);
  BOOST_TEST(bad.err.find("--kv-dtype") != std::string::npos, bad.err);
}

BOOST_AUTO_TEST_SUITE_END()
