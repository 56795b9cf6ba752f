// End-to-end tests of `archscope tokenize / detokenize`: the real binary on the HF tokenizer
// fixtures (ids as HF tokenizers gives them, read from the fixtures' cases.json) and the bad-input
// paths (exit code 2, one line on stderr).
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"

using archscope::test::CliResult;
using archscope::test::is_one_line;
using archscope::test::read_all;
using archscope::test::run_cli;
namespace fs = std::filesystem;

namespace {
const fs::path kTok = fs::path(ARCHSCOPE_FIXTURES) / "tokenizers";

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("archscope-tok-cli-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};
Scratch& scratch() {
  static Scratch s;
  return s;
}

fs::path write_file(const std::string& name, const std::string& bytes) {
  const fs::path p = scratch().dir / name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

std::string tokenizer(const std::string& name) {
  return (kTok / name / "tokenizer.json").string();
}

// The HF case of fixture `name` for `text` (add_special as given).
nlohmann::json hf_case(const std::string& name, const std::string& text, bool add_special) {
  const auto doc = nlohmann::json::parse(read_all(kTok / name / "cases.json"));
  for (const auto& c : doc.at("cases")) {
    if (c.at("text") == text && c.at("add_special") == add_special) return c;
  }
  BOOST_FAIL("no fixture case for " << text);
  return {};
}

std::string comma_ids(const nlohmann::json& ids) {
  std::string s;
  for (size_t i = 0; i < ids.size(); ++i)
    s += (i ? "," : "") + std::to_string(ids[i].get<uint32_t>());
  return s;
}

void expect_error(const std::vector<std::string>& args, const std::string& needle) {
  const CliResult r = run_cli(args);
  BOOST_TEST(r.exit_code == 2, r.err);
  BOOST_TEST(is_one_line(r.err), r.err);
  BOOST_TEST(r.err.rfind("archscope: error: ", 0) == 0, r.err);
  BOOST_TEST(r.err.find(needle) != std::string::npos, r.err);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(tokenizer_commands)

BOOST_AUTO_TEST_CASE(tokenize_prints_hf_ids) {
  const auto c = hf_case("gpt2", "Hello world", false);
  const CliResult r =
      run_cli({"tokenize", "--tokenizer", tokenizer("gpt2"), "--text", "Hello world"});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out == comma_ids(c.at("ids")) + "\n");
  BOOST_TEST(r.out == "15496,995\n");  // GPT-2's well-known ids for "Hello world"
}

BOOST_AUTO_TEST_CASE(tokenize_json_with_special_tokens_from_a_file) {
  const std::string text = "CRLF\r\nline\r\n\r\nend";
  const auto c = hf_case("llama3", text, true);
  const fs::path f = write_file("crlf.txt", text);
  const CliResult r = run_cli({"tokenize", "--tokenizer", tokenizer("llama3"), "--text-file",
                               f.string(), "--add-special", "--json"});
  BOOST_TEST(r.exit_code == 0, r.err);
  const auto j = nlohmann::json::parse(r.out);
  BOOST_TEST(j.at("ids") == c.at("ids"));
  BOOST_TEST(j.at("tokens") == c.at("tokens"));
  BOOST_TEST(j.at("tokens")[0] == "<|begin_of_text|>");
}

BOOST_AUTO_TEST_CASE(model_dir_finds_tokenizer_json) {
  const fs::path dir = scratch().dir / "model";
  fs::create_directories(dir);
  fs::copy_file(tokenizer("qwen3"), dir / "tokenizer.json", fs::copy_options::overwrite_existing);
  const std::string text = "中文测试：你好，世界！今天天气很好。";
  const CliResult r = run_cli({"tokenize", "--model", dir.string(), "--text", text});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out == comma_ids(hf_case("qwen3", text, false).at("ids")) + "\n");
}

BOOST_AUTO_TEST_CASE(detokenize_round_trip) {
  const std::string text = "Привет, мир! Съешь же ещё этих мягких французских булок.";
  const auto c = hf_case("phi3_mini", text, false);
  const CliResult r = run_cli(
      {"detokenize", "--tokenizer", tokenizer("phi3_mini"), "--ids", comma_ids(c.at("ids"))});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out == c.at("decoded").get<std::string>() + "\n");
  const CliResult j = run_cli({"detokenize", "--tokenizer", tokenizer("phi3_mini"), "--ids",
                               "1,15043", "--skip-special", "--json"});
  BOOST_TEST(j.exit_code == 0, j.err);
  BOOST_TEST(nlohmann::json::parse(j.out).at("text") == "Hello");
}

BOOST_AUTO_TEST_CASE(bad_input) {
  expect_error({"detokenize", "--tokenizer", tokenizer("gpt2"), "--ids", "15496,50257"},
               "token id 50257 at position 1");
  expect_error({"detokenize", "--tokenizer", tokenizer("gpt2"), "--ids", "1,x"}, "--ids");
  expect_error({"tokenize", "--tokenizer", tokenizer("gpt2")}, "give --text T or --text-file F");
  expect_error({"tokenize", "--text", "hi"}, "give --tokenizer FILE or --model DIR");
  expect_error({"tokenize", "--tokenizer", tokenizer("gpt2"), "--text-file",
                write_file("bad.txt", "ok\xFF").string()},
               "invalid UTF-8 at byte 2");
  expect_error({"tokenize", "--model", scratch().dir.string(), "--text", "hi"},
               "no tokenizer.json");
  const fs::path broken = write_file("broken.json", "{\"model\": ");
  expect_error({"tokenize", "--tokenizer", broken.string(), "--text", "hi"},
               "broken.json: malformed JSON");
  const fs::path unigram =
      write_file("unigram.json", R"({"model": {"type": "Unigram", "vocab": [["a", 0.0]]}})");
  expect_error({"tokenize", "--tokenizer", unigram.string(), "--text", "hi"},
               "model.type: model 'Unigram' is not supported");
}

BOOST_AUTO_TEST_CASE(help_describes_the_commands) {
  const CliResult t = run_cli({"tokenize", "--help"});
  BOOST_TEST(t.exit_code == 0);
  for (const char* opt :
       {"--tokenizer", "--model", "--text", "--text-file", "--add-special", "--json"}) {
    BOOST_TEST(t.out.find(opt) != std::string::npos, opt);
  }
  const CliResult d = run_cli({"detokenize", "--help"});
  BOOST_TEST(d.exit_code == 0);
  BOOST_TEST(d.out.find("--ids") != std::string::npos);
  BOOST_TEST(d.out.find("--skip-special") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
