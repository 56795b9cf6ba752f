// The host measurements behind cpu-generic (and later `archscope bench`) return finite figures in
// the range any real machine falls in; one short run each so the suite stays fast.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "presets/measure_host.hpp"

using namespace archscope;

BOOST_AUTO_TEST_SUITE(measure_host)

BOOST_AUTO_TEST_CASE(describes_the_host) {
  const HostDescription h = describe_host();
  BOOST_TEST(!h.cpu_model.empty());
  BOOST_TEST(h.logical_cpus >= 1);
}

BOOST_AUTO_TEST_CASE(figures_are_finite_and_plausible) {
  HostMeasureOptions o;
  o.min_seconds = 0;  // a single run
  o.threads = 1;
  const double gbs = measure_read_bandwidth(o);
  BOOST_TEST(std::isfinite(gbs));
  // One core of anything from a phone to a server: 0.5 GB/s .. 1 TB/s.
  BOOST_TEST(gbs > 0.5);
  BOOST_TEST(gbs < 1000.0);
  const double tflops = measure_fp32_gemm_peak(o);
  BOOST_TEST(std::isfinite(tflops));
  // One core: above 1 GFLOP/s (even the scalar fallback), below 10 TFLOP/s.
  BOOST_TEST(tflops > 0.001);
  BOOST_TEST(tflops < 10.0);
}

BOOST_AUTO_TEST_SUITE_END()
