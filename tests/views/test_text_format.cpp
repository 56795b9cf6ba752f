#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "report/text_format.hpp"

using namespace archscope;

BOOST_AUTO_TEST_SUITE(text_format)

BOOST_AUTO_TEST_CASE(truncate_counts_code_points_and_never_splits_them) {
  BOOST_TEST(text::truncate("abcdef", 6) == "abcdef");
  BOOST_TEST(text::truncate("abcdefg", 6) == "abcde\xE2\x80\xA6");
  // "µ" and "é" are two bytes each: cut by code points, the result is valid UTF-8.
  BOOST_TEST(text::truncate("\xC2\xB5\xC3\xA9\xC2\xB5\xC3\xA9", 3) == "\xC2\xB5\xC3\xA9\xE2\x80\xA6");
  BOOST_TEST(text::truncate("\xC2\xB5\xC3\xA9\xC2\xB5", 3) == "\xC2\xB5\xC3\xA9\xC2\xB5");
  BOOST_TEST(text::truncate("abc", 1) == "\xE2\x80\xA6");
  BOOST_TEST(text::truncate("abc", 0) == "");
  BOOST_TEST(text::display_width(text::truncate(std::string(100, 'x'), 60)) == 60u);
}

BOOST_AUTO_TEST_CASE(numbers_format_with_units) {
  BOOST_TEST(text::grouped(671026419200ull) == "671,026,419,200");
  BOOST_TEST(text::grouped_signed(-1234) == "-1,234");
  BOOST_TEST(text::params_short(37552297472ull) == "37.55B");
  BOOST_TEST(text::binary_bytes(70272) == "68.62 KiB");
  BOOST_TEST(text::si(8.08e9, "FLOP") == "8.08 GFLOP");
}

BOOST_AUTO_TEST_SUITE_END()
