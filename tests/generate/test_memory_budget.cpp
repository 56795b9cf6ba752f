#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "common/error.hpp"
#include "generate/memory_budget.hpp"

using namespace archscope;

BOOST_AUTO_TEST_SUITE(memory_budget)

BOOST_AUTO_TEST_CASE(proc_figures_are_read) {
  // Linux test machines have /proc: both figures must be there and plausible.
  const uint64_t available = mem_available_bytes();
  BOOST_TEST(available > (uint64_t{16} << 20));
  // Touch 64 MiB: the peak resident set must cover it.
  std::vector<char> block(size_t{64} << 20, 1);
  BOOST_TEST(peak_rss_bytes() >= block.size());
}

BOOST_AUTO_TEST_CASE(refuses_what_does_not_fit_with_one_line) {
  BOOST_CHECK_NO_THROW(check_fits_in_memory(100, 20, 120, "m"));
  BOOST_CHECK_NO_THROW(check_fits_in_memory(uint64_t{1} << 50, 0, 0, "m"));  // unknown: no check
  try {
    check_fits_in_memory(uint64_t{3} << 30, uint64_t{1} << 29, uint64_t{2} << 30, "--preset big");
    BOOST_FAIL("no error");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Resource));
    BOOST_TEST(std::string(e.what()) ==
               "memory: --preset big needs 3.00 GiB of weights + 512.0 MiB of KV cache but only "
               "2.00 GiB is available (MemAvailable); refusing before allocating");
  }
}

BOOST_AUTO_TEST_SUITE_END()
