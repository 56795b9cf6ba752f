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

BOOST_AUTO_TEST_CASE(bytes_are_formatted_in_binary_units) {
  BOOST_TEST(format_bytes(uint64_t{3} << 30) == "3.00 GiB");
  BOOST_TEST(format_bytes(uint64_t{512} << 20) == "512.0 MiB");
  BOOST_TEST(format_bytes(1536) == "1.5 KiB");
}

BOOST_AUTO_TEST_SUITE_END()
