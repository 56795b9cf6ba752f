// archscope's tokenizers against Hugging Face tokenizers' own output: every fixture under
// tests/fixtures/tokenizers holds a tokenizer.json and the ids, tokens and decoded text HF
// tokenizers 0.23.2 produced for each case (tools/tokenizers/make_fixtures.js wrote them).
// Everything must match exactly.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "fixture_util.hpp"
#include "tokenizer/tokenizer.hpp"

namespace fs = std::filesystem;
using archscope::tok::EncodeOptions;
using archscope::tok::Tokenizer;

namespace {
using archscope::test::read_json;
const fs::path kDir = archscope::test::tokenizer_fixtures();

std::string show(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out.size() > 200 ? out.substr(0, 200) + "..." : out;
}

// Checks one fixture; returns the number of mismatching cases (reporting the first few).
int check_fixture(const std::string& name) {
  const Tokenizer t = Tokenizer::from_file(kDir / name / "tokenizer.json");
  const nlohmann::json doc = read_json(kDir / name / "cases.json");
  int failures = 0;
  const auto fail = [&](const std::string& what) {
    if (++failures <= 5) BOOST_ERROR(name << ": " << what);
  };
  for (const auto& c : doc.at("cases")) {
    const std::string text = c.at("text");
    EncodeOptions o;
    o.add_special = c.at("add_special");
    const auto e = t.encode(text, o);
    const auto ids = c.at("ids").get<std::vector<uint32_t>>();
    const auto tokens = c.at("tokens").get<std::vector<std::string>>();
    if (e.ids != ids || e.tokens != tokens) {
      std::ostringstream m;
      m << "encode(\"" << show(text) << "\", add_special=" << o.add_special
        << ") ids differ:\n  hf:  ";
      for (size_t i = 0; i < ids.size() && i < 40; ++i)
        m << ids[i] << "(" << show(tokens[i]) << ") ";
      m << "\n  ours: ";
      for (size_t i = 0; i < e.ids.size() && i < 40; ++i)
        m << e.ids[i] << "(" << show(e.tokens[i]) << ") ";
      fail(m.str());
      continue;
    }
    if (t.decode(ids, false) != c.at("decoded").get<std::string>()) {
      fail("decode of \"" + show(text) + "\": hf \"" + show(c.at("decoded")) + "\", ours \"" +
           show(t.decode(ids, false)) + "\"");
    }
    if (t.decode(ids, true) != c.at("decoded_skip_special").get<std::string>()) {
      fail("decode(skip_special) of \"" + show(text) + "\": hf \"" +
           show(c.at("decoded_skip_special")) + "\", ours \"" + show(t.decode(ids, true)) + "\"");
    }
  }
  // Vocabulary size with added tokens and the id range, as HF's getVocabSize(true) / getVocab.
  if (t.vocab_size() != doc.at("vocab_size").get<size_t>()) fail("vocab_size " + std::to_string(t.vocab_size()));
  if (t.id_bound() != doc.at("id_bound").get<uint32_t>()) fail("id_bound " + std::to_string(t.id_bound()));
  const auto file = read_json(kDir / name / "tokenizer.json");
  for (const auto& a : file.at("added_tokens")) {
    const auto id = t.token_to_id(a.at("content").get<std::string>());
    if (!id || *id != a.at("id").get<uint32_t>()) fail("added token " + a.at("content").get<std::string>() + " id");
    if (id && t.is_special_id(*id) != a.at("special").get<bool>()) fail("special flag of " + a.at("content").get<std::string>());
  }
  for (const auto& c : doc.at("decode_cases")) {
    const auto ids = c.at("ids").get<std::vector<uint32_t>>();
    for (const bool skip : {false, true}) {
      const std::string hf = c.at(skip ? "decoded_skip_special" : "decoded");
      const std::string ours = t.decode(ids, skip);
      if (ours != hf)
        fail("decode(" + c.at("ids").dump() + ", skip=" + std::to_string(skip) + "): hf \"" +
             show(hf) + "\", ours \"" + show(ours) + "\"");
    }
  }
  BOOST_TEST_MESSAGE(name << ": " << doc.at("cases").size() << " encode and "
                          << doc.at("decode_cases").size() << " decode cases, " << failures
                          << " mismatches");
  return failures;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(hf_fixtures)

#define HF_FIXTURE(name)                   \
  BOOST_AUTO_TEST_CASE(name) {             \
    BOOST_TEST(check_fixture(#name) == 0); \
  }

HF_FIXTURE(gpt2)
HF_FIXTURE(phi3_mini)
HF_FIXTURE(clip)
HF_FIXTURE(falcon)
HF_FIXTURE(whisper_tiny)
HF_FIXTURE(llama3)
HF_FIXTURE(qwen3)
HF_FIXTURE(deepseek_v3)
HF_FIXTURE(gpt_oss)
HF_FIXTURE(glm4_moe)
HF_FIXTURE(mistral_tekken)
HF_FIXTURE(gemma3)
HF_FIXTURE(llama2_metaspace)
HF_FIXTURE(spm_default)
HF_FIXTURE(gpt2_512)
HF_FIXTURE(components_a)
HF_FIXTURE(components_b)
HF_FIXTURE(components_c)
HF_FIXTURE(components_d)
HF_FIXTURE(components_e)

BOOST_AUTO_TEST_CASE(every_fixture_is_listed) {
  size_t dirs = 0;
  for (const auto& entry : fs::directory_iterator(kDir)) dirs += entry.is_directory() ? 1 : 0;
  BOOST_TEST(dirs == 20u);
}

BOOST_AUTO_TEST_SUITE_END()
