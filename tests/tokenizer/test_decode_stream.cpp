// Incremental decoding: feeding the ids of every fixture case one at a time must release text
// that concatenates to HF's decode of the whole sequence, never releasing an incomplete UTF-8
// sequence (each chunk is valid UTF-8) and holding back only a trailing incomplete character.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "fixture_util.hpp"
#include "tokenizer/decode_stream.hpp"
#include "tokenizer/tokenizer.hpp"
#include "tokenizer/utf8.hpp"

namespace fs = std::filesystem;
using namespace archscope::tok;

namespace {
bool ends_with_replacement(const std::string& s) {
  return s.size() >= 3 && s.compare(s.size() - 3, 3, "\xEF\xBF\xBD") == 0;
}

void check_streams(const std::string& name) {
  const fs::path dir = archscope::test::tokenizer_fixtures() / name;
  const Tokenizer t = Tokenizer::from_file(dir / "tokenizer.json");
  const auto doc = archscope::test::read_json(dir / "cases.json");
  int checked = 0;
  for (const auto& c : doc.at("cases")) {
    const auto ids = c.at("ids").get<std::vector<uint32_t>>();
    const std::string hf = c.at("decoded");
    DecodeStream stream(t);
    std::string all;
    for (uint32_t id : ids) {
      if (auto chunk = stream.step(id)) {
        BOOST_TEST(!first_invalid_utf8(*chunk).has_value());
        all += *chunk;
      }
    }
    if (ends_with_replacement(hf)) {
      BOOST_TEST(hf.compare(0, all.size(), all) == 0,
                 name << ": stream is not a prefix of HF's decode");
    } else {
      BOOST_TEST(all == hf, name << ": stream \"" << all.substr(0, 80) << "\" vs HF \""
                                 << hf.substr(0, 80) << "\"");
    }
    // finish() releases what was held back: the whole text is HF's decode, U+FFFD included.
    BOOST_TEST(all + stream.finish() == hf, name << ": stream + finish vs HF decode");
    ++checked;
  }
  BOOST_TEST(checked > 100);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(decode_stream)

BOOST_AUTO_TEST_CASE(byte_level_streams_match_hf_decode) {
  for (const char* name : {"gpt2", "llama3", "qwen3", "deepseek_v3", "gpt_oss"})
    check_streams(name);
}

BOOST_AUTO_TEST_CASE(byte_fallback_streams_match_hf_decode) {
  for (const char* name : {"phi3_mini", "gemma3", "llama2_metaspace", "spm_default"})
    check_streams(name);
}

// A three-byte character split over byte-fallback tokens is released only when complete.
BOOST_AUTO_TEST_CASE(incomplete_character_is_held_back) {
  const Tokenizer t =
      Tokenizer::from_file(archscope::test::tokenizer_fixtures() / "gemma3" / "tokenizer.json");
  const std::vector<uint32_t> ids =
      t.encode("\xE2\x82\xAC").ids;      // U+20AC, not in the small vocabulary
  BOOST_TEST_REQUIRE(ids.size() == 3u);  // <0xE2> <0x82> <0xAC>
  DecodeStream stream(t);
  BOOST_TEST(!stream.step(ids[0]).has_value());
  BOOST_TEST(!stream.step(ids[1]).has_value());
  const auto done = stream.step(ids[2]);
  BOOST_TEST_REQUIRE(done.has_value());
  BOOST_TEST(*done == "\xE2\x82\xAC");
  BOOST_TEST(stream.finish().empty());
}

// A sequence that ends inside a character (generation cut off by --new-tokens): finish() gives
// the held-back bytes as decode() gives them, one U+FFFD per byte for byte fallback.
BOOST_AUTO_TEST_CASE(finish_releases_an_incomplete_character) {
  const Tokenizer t =
      Tokenizer::from_file(archscope::test::tokenizer_fixtures() / "gemma3" / "tokenizer.json");
  const std::vector<uint32_t> ids = t.encode("a\xE2\x82\xAC").ids;
  BOOST_TEST_REQUIRE(ids.size() == 4u);  // a <0xE2> <0x82> <0xAC>
  DecodeStream stream(t);
  std::string all;
  for (size_t i = 0; i < 3; ++i) {
    if (auto chunk = stream.step(ids[i])) all += *chunk;
  }
  BOOST_TEST(all == "a");
  const std::string rest = stream.finish();
  BOOST_TEST(rest == "\xEF\xBF\xBD\xEF\xBF\xBD");
  BOOST_TEST(all + rest == t.decode({ids.begin(), ids.begin() + 3}));
  BOOST_TEST(stream.finish().empty());  // the stream is empty afterwards
}

BOOST_AUTO_TEST_SUITE_END()
