#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <vector>

#include "generate/memory_budget.hpp"

using namespace archscope;

BOOST_AUTO_TEST_SUITE(memory_budget)

BOOST_AUTO_TEST_CASE(peak_rss_covers_touched_memory) {
  // Touch 64 MiB: the peak resident set must cover it.
  std::vector<char> block(size_t{64} << 20, 1);
  BOOST_TEST(current_rss_bytes() >= block.size());
  BOOST_TEST(peak_rss_bytes() >= current_rss_bytes());
}

BOOST_AUTO_TEST_CASE(peak_can_be_reset_between_phases) {
  {
    std::vector<char> block(size_t{128} << 20, 1);  // a phase that peaks high, then frees
    BOOST_TEST(block.back() == 1);
  }
  const uint64_t high = peak_rss_bytes();
  BOOST_TEST_REQUIRE(reset_peak_rss());
  const uint64_t after = peak_rss_bytes();
  BOOST_TEST(after < high);
  BOOST_TEST(after <= current_rss_bytes() + (uint64_t{8} << 20));
}

BOOST_AUTO_TEST_CASE(bytes_are_formatted_in_binary_units) {
  BOOST_TEST(format_bytes(uint64_t{3} << 30) == "3.00 GiB");
  BOOST_TEST(format_bytes(uint64_t{512} << 20) == "512.0 MiB");
  BOOST_TEST(format_bytes(1536) == "1.5 KiB");
}

BOOST_AUTO_TEST_SUITE_END()
