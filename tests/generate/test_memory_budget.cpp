#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <sys/mman.h>

#include <cstring>
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
    // A phase that peaks high, then gives the memory back. mmap/munmap rather than the heap, so
    // the pages leave the process under any allocator (ASan's quarantine keeps freed heap blocks).
    const size_t bytes = size_t{128} << 20;
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    BOOST_TEST_REQUIRE(p != MAP_FAILED);
    std::memset(p, 1, bytes);
    BOOST_TEST(static_cast<char*>(p)[bytes - 1] == 1);
    ::munmap(p, bytes);
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
