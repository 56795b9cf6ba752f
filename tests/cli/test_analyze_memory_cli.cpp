// `archscope analyze` memory fit, qualified KV growth and the long-context warning, through the
// real binary: text and JSON say the same thing.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.hpp"

using archscope::test::CliResult;
using archscope::test::run_cli;

namespace {

nlohmann::json analyze_json(std::vector<std::string> args) {
  args.insert(args.begin(), "analyze");
  args.push_back("--json");
  const CliResult r = run_cli(args);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  return nlohmann::json::parse(r.out);
}

std::string analyze_text(std::vector<std::string> args) {
  args.insert(args.begin(), "analyze");
  const CliResult r = run_cli(args);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  return r.out;
}

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(analyze_memory_cli)

BOOST_AUTO_TEST_CASE(deepseek_v3_does_not_fit_one_h100) {
  const std::vector<std::string> args = {"--preset", "deepseek-v3", "--context",
                                         "32768",    "--hardware",  "h100-sxm"};
  const nlohmann::json j = analyze_json(args);
  const nlohmann::json& m = j.at("memory");
  BOOST_TEST(m.at("fits") == false);
  BOOST_TEST(m.at("min_devices") == 17);
  BOOST_TEST(m.at("device_bytes").get<uint64_t>() == 80ull << 30);
  BOOST_TEST(m.at("required_bytes").get<uint64_t>() ==
             m.at("weights_bytes").get<uint64_t>() + m.at("kv_bytes").get<uint64_t>() +
                 m.at("activation_bytes").get<uint64_t>());
  BOOST_TEST(m.at("kv_bytes") == j.at("kv_cache").at("bytes_at_context"));
  BOOST_TEST(m.at("weights_bytes") == j.at("weights_bytes"));
  const std::string text = analyze_text(args);
  BOOST_TEST(has(text, "does not fit: needs 17 × h100-sxm"), text);
}

BOOST_AUTO_TEST_CASE(a_small_model_fits) {
  const nlohmann::json j = analyze_json({"--preset", "llama3-8b", "--hardware", "h100-sxm"});
  BOOST_TEST(j.at("memory").at("fits") == true);
  BOOST_TEST(j.at("memory").at("min_devices") == 1);
  BOOST_TEST(has(analyze_text({"--preset", "llama3-8b", "--hardware", "h100-sxm"}),
                 "fits on one h100-sxm"));
  // No hardware: the need is stated, the verdict is not.
  const nlohmann::json none = analyze_json({"--preset", "llama3-8b"});
  BOOST_TEST(none.at("memory").at("fits").is_null());
  BOOST_TEST(none.at("memory").at("required_bytes").get<uint64_t>() > 0u);
  BOOST_TEST(has(analyze_text({"--preset", "llama3-8b"}), "no hardware profile"));
}

BOOST_AUTO_TEST_CASE(gemma3_kv_growth_is_qualified) {
  const nlohmann::json j = analyze_json({"--preset", "gemma3-27b"});
  BOOST_TEST(j.at("kv_cache").at("bytes_per_token") == 496 * 1024);
  BOOST_TEST(j.at("kv_cache").at("bytes_per_token_steady") == 80 * 1024);
  const std::string text = analyze_text({"--preset", "gemma3-27b"});
  BOOST_TEST(has(text, "KV cache per token, first tokens   496.00 KiB"), text);
  BOOST_TEST(has(text, "KV cache per token, windows full    80.00 KiB"), text);
  BOOST_TEST(has(text, "only the full-attention layers grow: 80.00 KiB per token"), text);
  // A model without windows prints one figure and no note.
  const std::string llama = analyze_text({"--preset", "llama3-8b"});
  BOOST_TEST(!has(llama, "windows full"));
  BOOST_TEST(!has(llama, "only the full-attention layers grow"));
}

BOOST_AUTO_TEST_CASE(ten_million_tokens_warn_and_do_not_overflow) {
  const std::vector<std::string> args = {"--preset", "deepseek-v3", "--context",
                                         "10000000", "--hardware",  "h200"};
  const nlohmann::json j = analyze_json(args);
  BOOST_TEST_REQUIRE(j.at("warnings").size() == 1u);
  BOOST_TEST(has(j.at("warnings")[0].get<std::string>(), "max_position_embeddings 163840"));
  BOOST_TEST(j.at("flops").at("prefill_total").get<double>() > 1.8446744073709552e19);
  const std::string text = analyze_text(args);
  BOOST_TEST(has(text, "warning: context 10000000 exceeds max_position_embeddings 163840"), text);
  BOOST_TEST(!has(text, "64 bits"));
  // Within the trained context: no warning.
  BOOST_TEST(
      analyze_json({"--preset", "deepseek-v3", "--context", "163840"}).at("warnings").empty());
}

BOOST_AUTO_TEST_SUITE_END()
