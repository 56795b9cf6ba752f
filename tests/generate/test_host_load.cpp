#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <chrono>

#include "generate/generation.hpp"
#include "generate/host_load.hpp"

using namespace archscope;

BOOST_AUTO_TEST_SUITE(host_load)

BOOST_AUTO_TEST_CASE(busy_time_covers_our_own_spinning) {
  const double busy0 = machine_busy_cpu_seconds(), own0 = process_cpu_seconds();
  BOOST_TEST_REQUIRE(busy0 > 0.0);
  // Spin 0.3 s of CPU: the machine's busy time grows at least by what this process used
  // (/proc/stat counts in clock ticks, so allow one tick per CPU of rounding).
  volatile double sink = 0;
  while (process_cpu_seconds() - own0 < 0.3) sink = sink + 1.0;
  const double own = process_cpu_seconds() - own0;
  const double busy = machine_busy_cpu_seconds() - busy0;
  BOOST_TEST(own >= 0.3);
  BOOST_TEST(busy >= own - 0.05);
}

BOOST_AUTO_TEST_SUITE_END()
