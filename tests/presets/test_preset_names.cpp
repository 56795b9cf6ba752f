// Preset names are never only digits: `archscope perplexity --kl-reference 12` reads digits as a
// stored run's id, so a preset named "12" could not be reached there.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <string>

#include "preset_test_util.hpp"
#include "presets/preset_catalog.hpp"

using namespace archscope;

BOOST_AUTO_TEST_SUITE(preset_names_are_not_run_ids)

BOOST_AUTO_TEST_CASE(no_shipped_preset_is_named_by_digits_only) {
  const auto names = preset_names(test::presets_dir());
  BOOST_TEST_REQUIRE(!names.empty());
  for (const std::string& n : names)
    BOOST_TEST(n.find_first_not_of("0123456789") != std::string::npos, "preset '" << n << "'");
}

BOOST_AUTO_TEST_SUITE_END()
