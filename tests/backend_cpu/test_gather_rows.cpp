#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_cpu_gather_rows)

BOOST_AUTO_TEST_CASE(picks_rows_in_the_given_order) {
  CpuBackend be(2);
  Rng rng(5);
  const int64_t n = 7, w = 37;  // odd width
  auto x = rng.uniform(n * w);
  Tensor xt = upload_f32(be, {n, w}, x);
  const std::vector<int32_t> rows = {6, 0, 6, 3};
  Tensor rt = upload_i32(be, {4}, rows);
  Tensor out = be.alloc(Elem::F32, {4, w});
  be.gather_rows(be.default_stream(), xt, rt, out);
  std::vector<float> want;
  for (int32_t r : rows)
    for (int64_t j = 0; j < w; ++j) want.push_back(x[static_cast<size_t>(r * w + j)]);
  const std::vector<float> got = fetch(be, out);
  BOOST_TEST(got == want, boost::test_tools::per_element());  // a copy: bit-exact
}

BOOST_AUTO_TEST_CASE(rejects_rows_outside_the_tensor) {
  CpuBackend be(1);
  Rng rng(6);
  Tensor xt = upload_f32(be, {3, 5}, rng.uniform(15));
  Tensor bad = upload_i32(be, {1}, {3});
  Tensor neg = upload_i32(be, {1}, {-1});
  Tensor out = be.alloc(Elem::F32, {1, 5});
  BOOST_CHECK_THROW(be.gather_rows(be.default_stream(), xt, bad, out), Error);
  BOOST_CHECK_THROW(be.gather_rows(be.default_stream(), xt, neg, out), Error);
  Tensor small = be.alloc(Elem::F32, {1, 4});
  Tensor ok = upload_i32(be, {1}, {2});
  BOOST_CHECK_THROW(be.gather_rows(be.default_stream(), xt, ok, small), Error);
}

BOOST_AUTO_TEST_SUITE_END()
