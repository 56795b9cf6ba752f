// The UTF-8 and regex building blocks against published references: the Unicode Standard's
// maximal-subpart example for U+FFFD substitution (Unicode 15, section 3.9, Table 3-8), and the
// Oniguruma semantics HF tokenizers' regexes are written for (doc/RE of Oniguruma 6.9: \s is
// White_Space, \w is letters, marks, decimal digits and connector punctuation, \h is a hex digit).
#include <boost/test/unit_test.hpp>
#include <string>

#include "common/error.hpp"
#include "tokenizer/regex.hpp"
#include "tokenizer/utf8.hpp"

using namespace archscope::tok;

BOOST_AUTO_TEST_SUITE(text_units)

BOOST_AUTO_TEST_CASE(lossy_decoding_replaces_maximal_subparts) {
  // Table 3-8: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 -> a FFFD FFFD FFFD b FFFD c FFFD FFFD d
  const std::string in = "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64";
  const std::string r = "\xEF\xBF\xBD";
  BOOST_TEST(utf8_lossy(in) == "a" + r + r + r + "b" + r + "c" + r + r + "d");
  BOOST_TEST(utf8_lossy("Hello \xF0\x90\x80World") == "Hello " + r + "World");
  BOOST_TEST(utf8_lossy("\xE2\x82\xAC ok") == "\xE2\x82\xAC ok");
}

BOOST_AUTO_TEST_CASE(first_invalid_byte) {
  BOOST_TEST(!first_invalid_utf8("plain \xC3\xA9 \xF0\x9F\x98\x80").has_value());
  BOOST_TEST(first_invalid_utf8("ab\xC3").value() == 2u);
  BOOST_TEST(first_invalid_utf8("\xED\xA0\x80").value() == 0u);  // a surrogate is not a Rust char
  BOOST_TEST(first_invalid_utf8("x\xF5\x80\x80\x80").value() == 1u);
}

std::string matches(const char* pattern, const std::string& text) {
  const Regex re(pattern, "test");
  std::string out;
  for (const auto& [b, e] : re.find_all(text)) out += "[" + text.substr(b, e - b) + "]";
  return out;
}

BOOST_AUTO_TEST_CASE(oniguruma_space_is_white_space) {
  BOOST_TEST(matches("\\s+",
                     "a\xC2\x85"
                     "b") == "[\xC2\x85]");  // U+0085 NEL is White_Space
  BOOST_TEST(matches("\\s+",
                     "a\xE1\xA0\x8E"
                     "b")
                 .empty());  // U+180E is not (since 6.3)
  BOOST_TEST(matches("[^\\s]+",
                     "a\xC2\x85"
                     "b") == "[a][b]");
  BOOST_TEST(matches("\\S+", "\xE1\xA0\x8E") == "[\xE1\xA0\x8E]");
}

BOOST_AUTO_TEST_CASE(oniguruma_word_hex_and_escapes) {
  BOOST_TEST(matches("\\w+", "a\xCC\x81_1\xC2\xB2") ==
             "[a\xCC\x81_1]");  // a + U+0301 mark, not U+00B2 (No)
  BOOST_TEST(matches("\\h+", "zz0aFg") == "[0aF]");
  BOOST_TEST(matches("\\u00e9", "caf\xC3\xA9") == "[\xC3\xA9]");
  BOOST_TEST(matches("(?m:a.b)", "a\nb") == "[a\nb]");  // Oniguruma's m is dot-all
  BOOST_TEST(matches("^b", "a\nb") == "[b]");           // ^ is a line anchor
}

BOOST_AUTO_TEST_CASE(empty_matches_follow_onig_iteration) {
  // onig's find_iter skips an empty match right after the previous match.
  BOOST_TEST(matches("a*", "baa") == "[][aa]");
  BOOST_CHECK_THROW(Regex("[a&&b]", "test"), archscope::Error);
  BOOST_CHECK_THROW(Regex("(", "test"), archscope::Error);
}

BOOST_AUTO_TEST_SUITE_END()
