// End-to-end checks of analyze / presets / hardware / diff-config / import-hf through the binary.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cli/cli_runner.hpp"

using archscope::test::is_one_line;
using archscope::test::run_cli;
namespace fs = std::filesystem;

namespace {

nlohmann::json analyze_json(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"analyze", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_cli(args);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  return nlohmann::json::parse(r.out);
}

fs::path temp_file(const std::string& name, const std::string& content) {
  const fs::path p = fs::temp_directory_path() / ("archscope-cli-test-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(p) << content;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_analyze)

// Exact figures from the official configs. DeepSeek-V3 model card: 671B total / 37B activated
// (https://huggingface.co/deepseek-ai/DeepSeek-V3); the exact counts are sums over config.json.
BOOST_AUTO_TEST_CASE(deepseek_v3_exact_figures) {
  const auto j = analyze_json({"--preset", "deepseek-v3", "--context", "4096"});
  BOOST_TEST(j["params"]["total"].get<uint64_t>() == 671026419200ull);
  BOOST_TEST(j["params"]["active"].get<uint64_t>() == 37552297472ull);
  BOOST_TEST(j["params"]["embedding"].get<uint64_t>() == 129280ull * 7168ull);
  // 61 layers x (kv_lora_rank 512 + qk_rope_head_dim 64) x 2 bytes.
  BOOST_TEST(j["kv_cache"]["bytes_per_token"].get<uint64_t>() == 70272ull);
  BOOST_TEST(j["kv_cache"]["bytes_at_context"].get<uint64_t>() == 70272ull * 4096ull);
  BOOST_TEST(j["flops"]["prefill_per_token"].get<double>() > 0);
  BOOST_TEST(j["flops"]["decode_per_token"].get<double>() > 0);
  BOOST_TEST(j["layers"].size() == 61u);
  BOOST_TEST(j["layers"][0]["ops"].size() > 5u);
}

BOOST_AUTO_TEST_CASE(llama3_and_mixtral_from_hf_configs) {
  const std::string fixtures = ARCHSCOPE_FIXTURES;
  auto llama = analyze_json({"--hf-config", fixtures + "/hf_configs/llama3-8b.json"});
  BOOST_TEST(llama["params"]["total"].get<uint64_t>() == 8030261248ull);
  // 32 layers x 2 (k, v) x 8 kv heads x 128 head dim x 2 bytes.
  BOOST_TEST(llama["kv_cache"]["bytes_per_token"].get<uint64_t>() == 131072ull);
  auto mixtral = analyze_json({"--hf-config", fixtures + "/hf_configs/mixtral-8x7b.json"});
  BOOST_TEST(mixtral["params"]["total"].get<uint64_t>() == 46702792704ull);
  BOOST_TEST(mixtral["params"]["active"].get<uint64_t>() == 12879925248ull);
}

BOOST_AUTO_TEST_CASE(dtypes_batch_and_windows_change_the_figures) {
  auto bf16 = analyze_json({"--preset", "llama3-8b", "--context", "1000"});
  auto int4 = analyze_json({"--preset", "llama3-8b", "--context", "1000", "--weights-dtype", "int4",
                            "--kv-dtype", "fp8", "--batch", "3"});
  BOOST_TEST(int4["weights_bytes"].get<uint64_t>() < bf16["weights_bytes"].get<uint64_t>() / 2);
  // fp8: 32 layers × 2 (k, v) × 8 kv heads × (128 one-byte elements + one fp32 scale); batch 3
  // triples the bytes.
  BOOST_TEST(int4["kv_cache"]["bytes_per_token"].get<uint64_t>() == 32ull * 2 * 8 * (128 + 4));
  BOOST_TEST(bf16["kv_cache"]["bytes_per_token"].get<uint64_t>() == 32ull * 2 * 8 * 128 * 2);
  BOOST_TEST(int4["kv_cache"]["bytes_at_context"].get<uint64_t>() ==
             3ull * 1000 * 32 * 2 * 8 * (128 + 4));
  BOOST_TEST(int4["params"]["total"] == bf16["params"]["total"]);

  // gpt-oss: alternating 128-token windows, so a long context holds far less than full attention.
  auto oss = analyze_json({"--preset", "gpt-oss-20b", "--context", "65536"});
  const uint64_t per_token = oss["kv_cache"]["bytes_per_token"].get<uint64_t>();
  BOOST_TEST(oss["kv_cache"]["bytes_at_context"].get<uint64_t>() < per_token * 65536 * 6 / 10);
}

BOOST_AUTO_TEST_CASE(text_report_has_the_sections) {
  const auto r = run_cli({"analyze", "--preset", "gemma3-1b", "--hardware", "h100-sxm"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  for (const char* needle : {"parameters, total", "KV cache per token", "Component", "Layer",
                             "roofline", "h100-sxm", "999,885,952"}) {
    BOOST_TEST(r.out.find(needle) != std::string::npos, "missing " << needle);
  }
}

BOOST_AUTO_TEST_CASE(presets_json_lists_every_preset) {
  const auto r = run_cli({"presets", "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const auto j = nlohmann::json::parse(r.out);
  BOOST_TEST_REQUIRE(j.is_array());
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(ARCHSCOPE_PRESETS)) files += e.path().extension() == ".json";
  BOOST_TEST(j.size() == files);
  bool saw_deepseek = false;
  for (const auto& p : j) {
    BOOST_TEST(p.contains("family"));
    BOOST_TEST(p["params_active"].get<uint64_t>() <= p["params_total"].get<uint64_t>());
    if (p["name"] == "deepseek-v3") {
      saw_deepseek = true;
      BOOST_TEST(p["params_total"].get<uint64_t>() == 671026419200ull);
    }
  }
  BOOST_TEST(saw_deepseek);
  const auto h = run_cli({"hardware", "--json"});
  BOOST_TEST_REQUIRE(h.exit_code == 0, h.err);
  BOOST_TEST(nlohmann::json::parse(h.out).size() >= 5u);
}

BOOST_AUTO_TEST_CASE(diff_config_marks_differences_and_deltas) {
  const auto r = run_cli({"diff-config", "llama3-8b", "llama3.2-1b", "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const auto j = nlohmann::json::parse(r.out);
  bool saw_layers = false;
  for (const auto& f : j["fields"]) {
    BOOST_TEST(f["differs"].get<bool>());
    if (f["path"] == "n_layers") {
      saw_layers = true;
      BOOST_TEST(f["a"] == "32");
      BOOST_TEST(f["b"] == "16");
    }
  }
  BOOST_TEST(saw_layers);
  BOOST_TEST(j["figures"]["params.total"]["a"].get<double>() == 8030261248.0);
  BOOST_TEST(j["figures"]["params.total"]["delta"].get<double>() ==
             j["figures"]["params.total"]["b"].get<double>() - 8030261248.0);
  const auto text = run_cli({"diff-config", "llama3-8b", "llama3-8b"});
  BOOST_TEST_REQUIRE(text.exit_code == 0, text.err);
  BOOST_TEST(text.out.find("0 of") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(import_hf_round_trips_through_analyze) {
  const fs::path out = fs::temp_directory_path() / ("archscope-import-" + std::to_string(::getpid()) + ".json");
  const auto r = run_cli({"import-hf", std::string(ARCHSCOPE_FIXTURES) + "/hf_configs/deepseek-v3.json",
                          "--name", "ds", "--out", out.string()});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const auto j = analyze_json({"--config", out.string()});
  BOOST_TEST(j["params"]["total"].get<uint64_t>() == 671026419200ull);
  fs::remove(out);
}

BOOST_AUTO_TEST_CASE(bad_input_is_one_line_and_exit_2) {
  const auto malformed = temp_file("malformed.json", R"({"format": "archscope.model/1", "d_model": )");
  const auto bad_kv = temp_file("kv.json", R"({"format": "archscope.model/1", "vocab_size": 100,
    "d_model": 64, "n_layers": 2, "attention": {"heads": 32, "kv_heads": 3, "head_dim": 8},
    "ffn": {"d_ff": 128}})");
  const auto bad_topk = temp_file("topk.json", R"({"format": "archscope.model/1", "vocab_size": 100,
    "d_model": 64, "n_layers": 2, "attention": {"heads": 4, "kv_heads": 2, "head_dim": 16},
    "ffn": {"d_ff": 128}, "moe": {"experts": 4, "top_k": 5, "expert_d_ff": 32}})");
  const auto bad_window = temp_file("window.json", R"({"format": "archscope.model/1", "vocab_size": 100,
    "d_model": 64, "n_layers": 2, "attention": {"heads": 4, "kv_heads": 2, "head_dim": 16,
    "pattern": ["sliding"], "sliding_window": 0}, "ffn": {"d_ff": 128}})");
  const auto wrong_type = temp_file("type.json", R"({"format": "archscope.model/1", "vocab_size": "big",
    "d_model": 64, "n_layers": 2, "attention": {"heads": 4, "kv_heads": 2, "head_dim": 16}, "ffn": {"d_ff": 128}})");
  const auto unknown_key = temp_file("key.json", R"({"format": "archscope.model/1", "vocab_size": 100,
    "d_model": 64, "n_layers": 2, "attention": {"heads": 4, "kv_head": 2, "head_dim": 16}, "ffn": {"d_ff": 128}})");
  const auto unsupported = temp_file("hf.json", R"({"model_type": "bert", "hidden_size": 64})");

  struct Case {
    std::vector<std::string> args;
    std::string expect;  // substring of the one-line error
  };
  const std::vector<Case> cases = {
      {{"analyze", "--preset", "deepseek-v4"}, "unknown preset 'deepseek-v4'"},
      {{"analyze", "--config", malformed.string()}, malformed.string()},
      {{"analyze", "--config", bad_kv.string()}, "attention.kv_heads"},
      {{"analyze", "--config", bad_topk.string()}, "moe.top_k"},
      {{"analyze", "--config", bad_window.string()}, "attention.sliding_window"},
      {{"analyze", "--config", wrong_type.string()}, "vocab_size"},
      {{"analyze", "--config", unknown_key.string()}, "did you mean 'kv_heads'"},
      {{"analyze", "--hf-config", unsupported.string()}, "supported:"},
      {{"analyze", "--config", "/nonexistent/archscope.json"}, "/nonexistent/archscope.json"},
      {{"analyze", "--preset", "llama3-8b", "--context", "-5"}, "--context"},
      {{"analyze", "--preset", "llama3-8b", "--kv-dtype", "fp7"}, "--kv-dtype"},
      {{"analyze", "--preset", "llama3-8b", "--hardware", "tpu"}, "unknown hardware profile"},
      {{"analyze"}, "--preset"},
      {{"diff-config", "llama3-8b", "nope"}, "unknown preset 'nope'"},
  };
  for (const auto& c : cases) {
    const auto r = run_cli(c.args);
    BOOST_TEST(r.exit_code == 2, c.args.back() << ": exit " << r.exit_code);
    BOOST_TEST(is_one_line(r.err), c.args.back() << ": stderr was: " << r.err);
    BOOST_TEST(r.err.find(c.expect) != std::string::npos, "expected '" << c.expect << "' in " << r.err);
    BOOST_TEST(r.out.empty());
  }
  for (const auto& p : {malformed, bad_kv, bad_topk, bad_window, wrong_type, unknown_key, unsupported}) fs::remove(p);
}

// Every command's help is checked in test_help.cpp; these are the options analyze must offer.
BOOST_AUTO_TEST_CASE(analyze_help_lists_its_options) {
  const auto a = run_cli({"analyze", "--help"});
  BOOST_TEST(a.exit_code == 0);
  for (const char* opt : {"--preset", "--config", "--hf-config", "--context", "--batch",
                          "--weights-dtype", "--kv-dtype", "--hardware", "--json"}) {
    BOOST_TEST(a.out.find(opt) != std::string::npos, "analyze --help lacks " << opt);
  }
}

BOOST_AUTO_TEST_SUITE_END()
