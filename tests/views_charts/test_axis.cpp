// Nice ticks (1-2-5 steps, decades) on hand-picked ranges, and axis labels in one display unit.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <vector>

#include "charts/axis.hpp"

using namespace archscope::charts;
namespace tt = boost::test_tools;

namespace {
// Element-wise comparison with a relative tolerance (Boost 1.74 cannot combine per_element with
// tolerance), reporting the first index that differs.
void check_close(const std::vector<double>& got, const std::vector<double>& want) {
  BOOST_TEST_REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    BOOST_TEST_INFO("index " << i);
    BOOST_TEST(got[i] == want[i], tt::tolerance(1e-9));
  }
}

std::vector<std::string> labels(const Axis& a) {
  std::vector<std::string> out;
  for (const Tick& t : a.ticks) out.push_back(t.label);
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(chart_axis)

BOOST_AUTO_TEST_CASE(nice_steps_are_1_2_5) {
  BOOST_TEST(nice_step(10, 5) == 2, tt::tolerance(1e-12));
  BOOST_TEST(nice_step(1, 5) == 0.2, tt::tolerance(1e-12));
  BOOST_TEST(nice_step(7, 5) == 1, tt::tolerance(1e-12));
  BOOST_TEST(nice_step(3.3e-3, 5) == 5e-4, tt::tolerance(1e-12));
  BOOST_TEST(nice_step(4500, 5) == 1000, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(nice_ticks_cover_the_range) {
  const std::vector<double> expected = {0, 2, 4, 6, 8, 10};
  const auto ticks = nice_ticks(0, 9.3);
  check_close(ticks, expected);

  const auto tenths = nice_ticks(0.3, 0.72);
  const std::vector<double> expected_tenths = {0.3, 0.4, 0.5, 0.6, 0.7, 0.8};
  check_close(tenths, expected_tenths);

  const auto negative = nice_ticks(-7, 12);
  BOOST_TEST(negative.front() <= -7);
  BOOST_TEST(negative.back() >= 12);
  BOOST_TEST(negative[1] - negative[0] == 5, tt::tolerance(1e-12));
  BOOST_TEST((std::find(negative.begin(), negative.end(), 0.0) != negative.end()));  // zero is exact

  // A single value still gets an interval around it.
  const auto flat = nice_ticks(0, 0);
  BOOST_TEST(flat.front() == 0);
  BOOST_TEST(flat.back() == 1, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(log_decades_cover_the_range) {
  const std::vector<double> expected = {0.1, 1, 10, 100, 1000};
  check_close(log_decades(0.25, 512), expected);
  const std::vector<double> exact = {1e9, 1e10, 1e11, 1e12};
  check_close(log_decades(1e9, 1e12), exact);
}

BOOST_AUTO_TEST_CASE(time_axis_labels_in_milliseconds) {
  const Axis a = linear_axis("time", 0, 4.2e-3, Unit::Seconds);
  BOOST_TEST(a.title == "time (ms)");
  const std::vector<std::string> expected = {"0", "1", "2", "3", "4", "5"};
  BOOST_TEST(labels(a) == expected, tt::per_element());
  BOOST_TEST(a.max == 5e-3, tt::tolerance(1e-12));
  BOOST_TEST(a.ticks[1].value == 1e-3, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(byte_axis_uses_binary_units) {
  const Axis a = linear_axis("KV", 0, 3.2 * 1024 * 1024, Unit::Bytes);
  BOOST_TEST(a.title == "KV (MiB)");
  const std::vector<std::string> expected = {"0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5"};
  BOOST_TEST(labels(a) == expected, tt::per_element());
}

BOOST_AUTO_TEST_CASE(log_axis_decade_labels) {
  const Axis a = log_axis("performance", 3e8, 2e12, Unit::FlopsPerSecond);
  BOOST_TEST((a.scale == Scale::Log));
  BOOST_TEST(a.title == "performance (FLOP/s)");
  const std::vector<std::string> expected = {"100M", "1G", "10G", "100G", "1T", "10T"};
  BOOST_TEST(labels(a) == expected, tt::per_element());
  const Axis small = log_axis("intensity", 0.05, 30, Unit::FlopsPerByte);
  const std::vector<std::string> expected_small = {"0.01", "0.1", "1", "10", "100"};
  BOOST_TEST(labels(small) == expected_small, tt::per_element());
  // KL divergences of 8-bit schemes: decades below 0.001 read as powers of ten.
  const Axis tiny = log_axis("KL", 3e-12, 2e-3, Unit::Plain);
  const std::vector<std::string> expected_tiny = {"1e-12", "1e-11", "1e-10", "1e-9", "1e-8", "1e-7",
                                                  "1e-6",  "1e-5",  "1e-4",  "0.001", "0.01"};
  BOOST_TEST(labels(tiny) == expected_tiny, tt::per_element());
}

BOOST_AUTO_TEST_CASE(format_values_with_units) {
  BOOST_TEST(format_value(1.5e-3, Unit::Seconds) == "1.500 ms");
  BOOST_TEST(format_value(1536, Unit::Bytes) == "1.50 KiB");
  BOOST_TEST(format_value(4096, Unit::Tokens) == "4,096 tokens");
  BOOST_TEST(format_value(3.2e12, Unit::FlopsPerSecond) == "3.20 TFLOP/s");
}

BOOST_AUTO_TEST_SUITE_END()
