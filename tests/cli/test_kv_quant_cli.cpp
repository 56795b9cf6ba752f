// KV-cache quantization through the real CLI (issue 12, §1 KV bullet): `quant --kv-dtypes`
// against a float64 KL / top-1 computed here from two `logits` outputs (the fp32-cache model and
// `--kv-dtype X`), the KV SQNR per layer against the arithmetic floor of the format, the stored run
// and its report; `analyze --kv-dtype int8|fp8` byte counts by hand; `run --kv-dtype` recording
// the dtype and the KV memory it allocated; and the error paths (one line naming the accepted
// dtypes).
#define BOOST_TEST_DYN_LINK
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"
#include "io/npy.hpp"

using archscope::test::CliResult;
using archscope::test::read_all;
using archscope::test::run_cli;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const fs::path kModel = fs::path(ARCHSCOPE_SOURCE_DIR) / "assets" / "models" / "stdlib-moe-6m";
const std::string kTokens = "17,300,5,1021,77,4000,12,12,912,3,64,2048,1,99,250,731,8,8,8,640";

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("archscope-kvquantcli-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};

// KL(P || Q) of one row in float64, and whether the argmaxes (first largest) agree.
double kl_row(const float* p, const float* q, int64_t V, bool& same_argmax) {
  double mp = -1e300, mq = -1e300;
  int64_t ap = 0, aq = 0;
  for (int64_t i = 0; i < V; ++i) {
    if (p[i] > mp) mp = p[i], ap = i;
    if (q[i] > mq) mq = q[i], aq = i;
  }
  same_argmax = ap == aq;
  double zp = 0, zq = 0;
  for (int64_t i = 0; i < V; ++i) zp += std::exp(p[i] - mp), zq += std::exp(q[i] - mq);
  double kl = 0;
  for (int64_t i = 0; i < V; ++i) {
    const double lp = p[i] - mp - std::log(zp), lq = q[i] - mq - std::log(zq);
    kl += std::exp(lp) * (lp - lq);
  }
  return kl;
}

// The SQNR floor of a format over vectors of at most n elements. int8: |x - x̂| <= s / 2 with
// s = absmax / 127 and Σx² >= absmax², so SQNR >= 10 log10(4 · 127² / n). E4M3 (3 mantissa bits):
// |x - x̂| <= 2^-4 |x| for normals; the subnormal part (<= 2^-10 s per element, s = absmax / 448)
// adds at most n · 2^-20 / 448² of the signal, so SQNR >= 10 log10(1 / (2^-8 + n 2^-20 / 448²)).
double sqnr_floor_db(const std::string& dtype, int64_t n) {
  const double N = static_cast<double>(n);
  if (dtype == "int8") return 10 * std::log10(4.0 * 127 * 127 / N);
  return -10 * std::log10(std::ldexp(1.0, -8) + N * std::ldexp(1.0, -20) / (448.0 * 448.0));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_kv_quant)

BOOST_AUTO_TEST_CASE(quant_kv_kl_and_top1_equal_a_float64_recomputation_from_logits) {
  Scratch s;
  const std::string db = (s.dir / "runs.db").string();
  const CliResult q = run_cli({"quant", "--model", kModel.string(), "--kv-dtypes", "int8,fp8",
                               "--tokens", kTokens, "--threads", "1", "--db", db, "--json"});
  BOOST_REQUIRE_MESSAGE(q.exit_code == 0, q.err);
  BOOST_TEST(q.err.find("kv-int8 (1 of 2)") != std::string::npos, q.err);
  const json j = json::parse(q.out);
  BOOST_REQUIRE(j["schemes"].size() == 2u);
  const std::string src = (s.dir / "src.npy").string();
  BOOST_REQUIRE(run_cli({"logits", "--model", kModel.string(), "--tokens", kTokens,
                         "--weights-dtype", "fp32", "--threads", "1", "--out", src})
                    .exit_code == 0);
  const auto ls = archscope::read_npy(src);
  const int64_t T = ls.shape[0], V = ls.shape[1];
  for (const json& sc : j["schemes"]) {
    const std::string dtype = sc["kv_dtype"];
    BOOST_TEST_CONTEXT(dtype) {
      BOOST_TEST(sc["scheme"].get<std::string>() == "kv-" + dtype);
      BOOST_TEST(sc["kind"].get<std::string>() == "kv");
      const std::string out = (s.dir / (dtype + ".npy")).string();
      const CliResult l =
          run_cli({"logits", "--model", kModel.string(), "--tokens", kTokens, "--weights-dtype",
                   "fp32", "--kv-dtype", dtype, "--threads", "1", "--out", out});
      BOOST_REQUIRE_MESSAGE(l.exit_code == 0, l.err);
      const auto lq = archscope::read_npy(out);
      BOOST_REQUIRE(lq.data.size() == ls.data.size());
      double sum = 0, mx = 0;
      int agree = 0;
      for (int64_t t = 0; t < T; ++t) {
        bool same = false;
        const double kl = kl_row(ls.data.data() + t * V, lq.data.data() + t * V, V, same);
        sum += kl;
        mx = std::max(mx, kl);
        agree += same;
      }
      BOOST_TEST(sc["kl_mean"].get<double>() == sum / static_cast<double>(T),
                 boost::test_tools::tolerance(1e-9));
      BOOST_TEST(sc["kl_max"].get<double>() == mx, boost::test_tools::tolerance(1e-9));
      BOOST_TEST(sc["top1_agreement"].get<double>() == agree / static_cast<double>(T));
      BOOST_TEST(sc["kl_mean"].get<double>() > 0.0);  // the cache's rounding reaches the logits
      // 4 layers, 2 kv heads of 64: per token 4 × 2 × 2 × (64 + 4) bytes, T tokens; 8.5 bits an
      // element.
      BOOST_TEST(sc["kv_bytes"].get<uint64_t>() == static_cast<uint64_t>(T) * 4 * 2 * 2 * (64 + 4));
      BOOST_TEST(sc["bits_per_element"].get<double>() == 8.5);
      BOOST_REQUIRE(sc["tensors"].size() == 4u);
      BOOST_TEST(sc["tensors"][0]["name"].get<std::string>() == "layers.0.kv_cache");
      // Every cached K and V element of the layer: T tokens × 2 × 2 heads × 64.
      BOOST_TEST(sc["tensors"][0]["elements"].get<int64_t>() == T * 2 * 2 * 64);
      BOOST_REQUIRE(sc["layer_kv_sqnr_db"].size() == 4u);
      for (const json& db_value : sc["layer_kv_sqnr_db"]) {
        BOOST_TEST(db_value.get<double>() >= sqnr_floor_db(dtype, 64));
        BOOST_TEST(db_value.get<double>() < 80.0);  // not exact: the cache does round
      }
      BOOST_TEST(sc["layer_rel_l2"].size() == 4u);
    }
  }
  // int8 keeps more of each vector than E4M3 (7 bits against 3 of mantissa).
  BOOST_TEST(j["schemes"][0]["layer_kv_sqnr_db"][0].get<double>() >
             j["schemes"][1]["layer_kv_sqnr_db"][0].get<double>());

  const std::string id = std::to_string(j["run_id"].get<int>());
  const CliResult show = run_cli({"runs", "show", id, "--db", db});
  BOOST_TEST(show.out.find("fp32,int8,fp8 KV") != std::string::npos, show.out);
  const std::string html = (s.dir / "r.html").string();
  const CliResult rep = run_cli({"report", id, "--db", db, "--out", html});
  BOOST_REQUIRE_MESSAGE(rep.exit_code == 0, rep.err);
  const std::string page = read_all(html);
  BOOST_TEST(page.find("KV-cache quantization") != std::string::npos);
  BOOST_TEST(page.find("KV SQNR over every cached K and V") != std::string::npos);
  BOOST_TEST(page.find("Mean logit KL against bits per weight") ==
             std::string::npos);  // no weight schemes
}

BOOST_AUTO_TEST_CASE(mla_latent_cache_is_measured) {
  // deepseek-v3-mini: 4 MLA layers, rows of a 32-wide latent and an 8-wide rope key.
  const CliResult q = run_cli(
      {"quant", "--preset", "deepseek-v3-mini", "--kv-dtypes", "int8", "--prompt", "24",
       "--threads", "1", "--db",
       (fs::temp_directory_path() / ("kvq-mla-" + std::to_string(::getpid()) + ".db")).string(),
       "--json"});
  BOOST_REQUIRE_MESSAGE(q.exit_code == 0, q.err);
  const json sc = json::parse(q.out)["schemes"][0];
  BOOST_TEST(sc["kv_bytes"].get<uint64_t>() == 24ull * 4 * (32 + 8 + 2 * 4));
  BOOST_TEST(sc["bits_per_element"].get<double>() == 8.0 * 48 / 40);
  BOOST_TEST(sc["kl_mean"].get<double>() > 0.0);  // the prefill reads the quantized latents too
  for (const json& v : sc["layer_kv_sqnr_db"])
    BOOST_TEST(v.get<double>() >= sqnr_floor_db("int8", 32));
  fs::remove(fs::temp_directory_path() / ("kvq-mla-" + std::to_string(::getpid()) + ".db"));
}

BOOST_AUTO_TEST_CASE(analyze_counts_codes_and_scales) {
  for (const std::string dtype : {"int8", "fp8"}) {
    const CliResult r = run_cli(
        {"analyze", "--preset", "llama3-8b", "--context", "1000", "--kv-dtype", dtype, "--json"});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const json j = json::parse(r.out);
    // 32 layers × 2 (K, V) × 8 kv heads × (128 one-byte elements + one fp32 scale).
    BOOST_TEST(j["kv_cache"]["dtype"].get<std::string>() == dtype);
    BOOST_TEST(j["kv_cache"]["bytes_per_token"].get<uint64_t>() == 32ull * 2 * 8 * (128 + 4));
    BOOST_TEST(j["kv_cache"]["bytes_at_context"].get<uint64_t>() ==
               1000ull * 32 * 2 * 8 * (128 + 4));
  }
  // DeepSeek-V3: 61 MLA layers of 512 + 64 one-byte elements and two scales.
  const CliResult d = run_cli(
      {"analyze", "--preset", "deepseek-v3", "--context", "4096", "--kv-dtype", "int8", "--json"});
  BOOST_REQUIRE_MESSAGE(d.exit_code == 0, d.err);
  BOOST_TEST(json::parse(d.out)["kv_cache"]["bytes_per_token"].get<uint64_t>() ==
             61ull * (576 + 8));
}

BOOST_AUTO_TEST_CASE(run_records_the_kv_dtype_and_its_memory) {
  Scratch s;
  const std::string db = (s.dir / "runs.db").string();
  const CliResult r = run_cli({"run", "--preset", "llama3-mini", "--kv-dtype", "int8", "--prompt",
                               "4", "--new", "2", "--threads", "1", "--db", db, "--json"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const std::string id = std::to_string(json::parse(r.out)["run_id"].get<int>());
  const CliResult show = run_cli({"runs", "show", id, "--db", db, "--json"});
  BOOST_REQUIRE_MESSAGE(show.exit_code == 0, show.err);
  const json j = json::parse(show.out);
  BOOST_TEST(j["kv_dtype"].get<std::string>() == "int8", show.out.substr(0, 2000));
  // Its steps record the pool it allocated: 4 layers × 2 × 2 kv heads × (32 + 4) bytes per token,
  // 16 tokens (6 rounded up to one 16-token block).
  const std::string exported = (s.dir / "run.json").string();
  const CliResult ex = run_cli({"export", id, "--format", "json", "--out", exported, "--db", db});
  BOOST_REQUIRE_MESSAGE(ex.exit_code == 0, ex.err);
  bool saw_step = false;
  const json run = json::parse(read_all(exported));
  for (const json& st : run["steps"]) {
    saw_step = true;
    BOOST_TEST(st["kv_allocated_bytes"].get<uint64_t>() == 16ull * 4 * 2 * 2 * (32 + 4));
  }
  BOOST_TEST(saw_step);
  // compare names each run's KV dtype.
  const CliResult r2 = run_cli({"run", "--preset", "llama3-mini", "--prompt", "4", "--new", "2",
                                "--threads", "1", "--db", db, "--json"});
  BOOST_REQUIRE_MESSAGE(r2.exit_code == 0, r2.err);
  const std::string id2 = std::to_string(json::parse(r2.out)["run_id"].get<int>());
  const CliResult cmp = run_cli({"compare", id, id2, "--db", db, "--json"});
  BOOST_REQUIRE_MESSAGE(cmp.exit_code == 0, cmp.err);
  const json jc = json::parse(cmp.out);
  BOOST_TEST(jc["runs"][0]["kv_dtype"].get<std::string>() == "int8");
  BOOST_TEST(jc["runs"][1]["kv_dtype"].get<std::string>() == "fp32");
  const CliResult b = run_cli({"bench", "--preset", "llama3-mini", "--kv-dtype", "fp8", "--prompt",
                               "4", "--new", "2", "--threads", "1", "--json"});
  BOOST_REQUIRE_MESSAGE(b.exit_code == 0, b.err);
  const json jb = json::parse(b.out);
  BOOST_TEST(jb["kv_dtype"].get<std::string>() == "fp8");
  // 4 layers × 2 × 2 kv heads × (32 + 4) bytes per token, 6 tokens held after the run.
  BOOST_TEST(jb["memory"]["kv_bytes"].get<uint64_t>() == 6ull * 4 * 2 * 2 * (32 + 4));
}

BOOST_AUTO_TEST_CASE(unknown_kv_dtypes_are_one_line_naming_the_accepted_ones) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"logits", "--preset", "llama3-mini", "--tokens", "1,2", "--out",
                                 "/tmp/x.npy", "--kv-dtype", "int4"},
        {"generate", "--preset", "llama3-mini", "--prompt-tokens", "2", "--new-tokens", "1",
         "--kv-dtype", "q8"},
        {"bench", "--preset", "llama3-mini", "--kv-dtype", "e5m2"},
        {"run", "--preset", "llama3-mini", "--kv-dtype", "int4"},
        {"analyze", "--preset", "llama3-mini", "--kv-dtype", "int4"},
        {"quant", "--preset", "llama3-mini", "--kv-dtypes", "int8,int4"}}) {
    const CliResult r = run_cli(args);
    BOOST_TEST_CONTEXT(args[0]) {
      BOOST_TEST(r.exit_code == 2);
      BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
      BOOST_TEST(r.err.find("fp32|bf16|fp16|int8|fp8") != std::string::npos, r.err);
    }
  }
  const CliResult unq = run_cli({"quant", "--preset", "llama3-mini", "--kv-dtypes", "bf16"});
  BOOST_TEST(unq.exit_code == 2);
  BOOST_TEST(unq.err.find("int8, fp8") != std::string::npos, unq.err);
  const CliResult none = run_cli({"quant", "--preset", "llama3-mini"});
  BOOST_TEST(none.exit_code == 2);
  BOOST_TEST(none.err.find("--kv-dtypes") != std::string::npos, none.err);
}

BOOST_AUTO_TEST_SUITE_END()
