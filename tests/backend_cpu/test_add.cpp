#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_cpu_add)

BOOST_AUTO_TEST_CASE(scaled_add_in_place) {
  CpuBackend be(3);
  Rng rng(21);
  const int64_t n = 40013;  // odd, and large enough to be split over the threads
  auto a = rng.uniform(n), b = rng.uniform(n);
  Tensor at = upload_f32(be, {n}, a), bt = upload_f32(be, {n}, b);
  be.add(be.default_stream(), at, bt, -0.37f, at);  // residual in place
  std::vector<double> want(n);
  for (int64_t i = 0; i < n; ++i) want[i] = static_cast<double>(a[i]) + static_cast<double>(-0.37f) * b[i];
  ARCHSCOPE_CHECK_CLOSE(fetch(be, at), want, 1e-6);
  Tensor small = be.alloc(Elem::F32, {3});
  BOOST_CHECK_THROW(be.add(be.default_stream(), at, small, 1.0f, at), Error);
}

BOOST_AUTO_TEST_SUITE_END()
