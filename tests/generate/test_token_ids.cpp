#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "common/error.hpp"
#include "generate/token_ids.hpp"

using namespace archscope;

namespace {
std::string error_of(auto&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Validation) return "wrong kind";
    return e.what();
  }
  return "no error";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(token_ids)

BOOST_AUTO_TEST_CASE(parses_comma_lists_with_spaces) {
  BOOST_TEST(parse_token_list("1,2,3") == std::vector<int32_t>({1, 2, 3}));
  BOOST_TEST(parse_token_list(" 7 , 0,511 ") == std::vector<int32_t>({7, 0, 511}));
  BOOST_TEST(parse_token_list("42") == std::vector<int32_t>({42}));
}

BOOST_AUTO_TEST_CASE(malformed_lists_name_the_item_and_position) {
  BOOST_TEST(error_of([] { parse_token_list(""); }) == "--tokens: no token ids given");
  BOOST_TEST(error_of([] { parse_token_list("1,,3"); }) == "--tokens: empty token id at position 1");
  BOOST_TEST(error_of([] { parse_token_list("1,2,"); }) == "--tokens: empty token id at position 2");
  BOOST_TEST(error_of([] { parse_token_list("1,x2"); }) ==
             "--tokens: 'x2' at position 1 is not an integer token id");
  BOOST_TEST(error_of([] { parse_token_list("1.5"); }) ==
             "--tokens: '1.5' at position 0 is not an integer token id");
  BOOST_TEST(error_of([] { parse_token_list("5,99999999999"); }) ==
             "--tokens: token id '99999999999' at position 1 is out of range");
}

BOOST_AUTO_TEST_CASE(ids_outside_the_vocabulary_are_named_with_their_position) {
  BOOST_CHECK_NO_THROW(check_token_ids({0, 511}, 512, "--tokens"));
  BOOST_TEST(error_of([] { check_token_ids({3, 512, 1}, 512, "--tokens"); }) ==
             "--tokens: token id 512 at position 1 is outside the vocabulary [0, 512)");
  BOOST_TEST(error_of([] { check_token_ids({-1}, 512, "sequence 2", 10); }) ==
             "sequence 2: token id -1 at position 10 is outside the vocabulary [0, 512)");
}

BOOST_AUTO_TEST_SUITE_END()
