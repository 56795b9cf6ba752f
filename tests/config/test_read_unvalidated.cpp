// read_config_json: the reader without validate(), for editors. Keys and types are still checked;
// rules between fields are left to validate(), which then reports what config_from_json would.
#include <boost/test/unit_test.hpp>

#include "config/config_json.hpp"
#include "config_test_util.hpp"

using namespace archscope;

BOOST_AUTO_TEST_SUITE(read_unvalidated)

BOOST_AUTO_TEST_CASE(a_broken_rule_reads_and_validate_names_it) {
  ModelConfig c = test::small_dense();
  c.attention.kv_heads = 3;
  const nlohmann::json j = config_to_json(c);
  std::string expected;
  try {
    config_from_json(j, "f.json");
  } catch (const Error& e) {
    expected = e.what();
  }
  BOOST_TEST(expected == "f.json: attention.kv_heads: 3 does not divide heads 4");
  const ModelConfig read = read_config_json(j, "f.json");
  BOOST_TEST((read == c));
  try {
    validate(read);
    BOOST_FAIL("validate accepted kv_heads 3 of 4 heads");
  } catch (const Error& e) {
    BOOST_TEST("f.json: " + std::string(e.what()) == expected);
  }
}

BOOST_AUTO_TEST_CASE(keys_and_types_are_still_checked) {
  nlohmann::json j = config_to_json(test::small_dense());
  j["attention"]["kv_head"] = 2;
  BOOST_CHECK_THROW(read_config_json(j, "f.json"), Error);
  j = config_to_json(test::small_dense());
  j["d_model"] = "wide";
  try {
    read_config_json(j, "f.json");
    BOOST_FAIL("a string d_model was read");
  } catch (const Error& e) {
    BOOST_TEST(e.where() == "f.json: d_model");
  }
  j.erase("format");
  BOOST_CHECK_THROW(read_config_json(j, "f.json"), Error);
}

BOOST_AUTO_TEST_SUITE_END()
