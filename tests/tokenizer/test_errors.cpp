// Bad and unsupported input: every tokenizer.json of tests/fixtures/tokenizers/errors.json (each
// with what HF tokenizers did with it) is refused with the expected error kind and JSON path; text
// that is not UTF-8 and ids outside the vocabulary are refused with their position.
#include <boost/test/unit_test.hpp>
#include <string>

#include "common/error.hpp"
#include "fixture_util.hpp"
#include "tokenizer/tokenizer.hpp"

using archscope::Error;
using archscope::ErrorKind;
using archscope::tok::Tokenizer;

namespace {
std::string kind_name(ErrorKind k) {
  return archscope::to_string(k);
}

Tokenizer gpt2() {
  return Tokenizer::from_file(archscope::test::tokenizer_fixtures() / "gpt2" / "tokenizer.json");
}
}  // namespace

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(files_hf_refuses_or_we_do_not_support) {
  const auto doc =
      archscope::test::read_json(archscope::test::tokenizer_fixtures() / "errors.json");
  BOOST_TEST_REQUIRE(doc.at("cases").size() >= 15u);
  for (const auto& c : doc.at("cases")) {
    const std::string name = c.at("name"), kind = c.at("kind"), path = c.at("path");
    const std::string text = c.at("tokenizer").dump();
    if (!c.at("text").is_null()) {
      // HF loads these and fails on encode; so must we, on the same text.
      BOOST_TEST_REQUIRE(c.at("hf_loads").get<bool>());
      BOOST_TEST(!c.at("hf_encode_error").is_null());
      const Tokenizer t = Tokenizer::from_json_text(text, name);
      try {
        t.encode(c.at("text").get<std::string>());
        BOOST_ERROR(name << ": encode should fail as HF's does (" << c.at("hf_encode_error")
                         << ")");
      } catch (const Error& e) {
        BOOST_TEST(kind_name(e.kind()) == kind, name);
        BOOST_TEST(std::string(e.what()).find(path) != std::string::npos, name << ": " << e.what());
      }
      continue;
    }
    try {
      Tokenizer::from_json_text(text, name + ".json");
      BOOST_ERROR(
          name << ": loaded, but should fail (HF: "
               << (c.at("hf_loads").get<bool>() ? "loads" : c.at("hf_error").get<std::string>())
               << ")");
    } catch (const Error& e) {
      BOOST_TEST(kind_name(e.kind()) == kind, name << ": " << e.what());
      const std::string what = e.what();
      BOOST_TEST(what.rfind(name + ".json", 0) == 0, name << ": the file is named first: " << what);
      BOOST_TEST(what.find(path) != std::string::npos, name << ": " << what);
    }
  }
}

BOOST_AUTO_TEST_CASE(unsupported_component_is_named) {
  const auto doc =
      archscope::test::read_json(archscope::test::tokenizer_fixtures() / "errors.json");
  for (const auto& c : doc.at("cases")) {
    if (c.at("name") != "unicode_scripts_pre_tokenizer") continue;
    try {
      Tokenizer::from_json_text(c.at("tokenizer").dump(), "t.json");
      BOOST_ERROR("UnicodeScripts must be refused");
    } catch (const Error& e) {
      BOOST_TEST(
          std::string(e.what()).find("'UnicodeScripts' is not supported") != std::string::npos,
          e.what());
    }
  }
}

BOOST_AUTO_TEST_CASE(malformed_json_names_the_file) {
  try {
    Tokenizer::from_json_text("{\"version\": \"1.0\", \"model\": ", "broken.json");
    BOOST_ERROR("must fail");
  } catch (const Error& e) {
    BOOST_TEST(kind_name(e.kind()) == "parse");
    BOOST_TEST(std::string(e.what()).rfind("broken.json: malformed JSON", 0) == 0, e.what());
  }
  BOOST_CHECK_THROW(Tokenizer::from_file("/nonexistent/tokenizer.json"), Error);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_text_is_refused_with_its_offset) {
  const Tokenizer t = gpt2();
  for (const std::string& bad :
       {std::string("ab\xFF"), std::string("ok \xC3"), std::string("\xED\xA0\x80 surrogate"),
        std::string("\xC0\xAF overlong"), std::string("\xF4\x90\x80\x80 too big")}) {
    try {
      t.encode(bad);
      BOOST_ERROR("must refuse invalid UTF-8");
    } catch (const Error& e) {
      BOOST_TEST(kind_name(e.kind()) == "validation");
      BOOST_TEST(std::string(e.what()).find("invalid UTF-8 at byte") != std::string::npos,
                 e.what());
    }
  }
  try {
    t.encode("ab\xFF");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()).find("byte 2 (0xFF)") != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(unknown_id_is_refused_with_its_position) {
  const Tokenizer t = gpt2();
  BOOST_TEST(t.id_bound() == 50257u);
  try {
    t.decode({464, 50257});
    BOOST_ERROR("must refuse id 50257");
  } catch (const Error& e) {
    BOOST_TEST(kind_name(e.kind()) == "validation");
    BOOST_TEST(std::string(e.what()).find("token id 50257 at position 1") != std::string::npos,
               e.what());
  }
}

BOOST_AUTO_TEST_SUITE_END()
