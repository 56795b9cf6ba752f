#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_ops_gather_rows)

BOOST_AUTO_TEST_CASE(picks_rows_in_the_given_order_bit_exact) {
  for_each_backend([](Backend& be) {
    Rng rng(5);
    const int64_t n = 7, w = 37;  // odd width
    auto x = rng.uniform(n * w);
    const Ints rows = {6, 0, 6, 3};
    Tensor out = be.alloc(Elem::F32, {4, w});
    be.gather_rows(be.default_stream(), upload_f32(be, {n, w}, x), upload_i32(be, {4}, rows), out);
    Floats want;
    for (int32_t r : rows)
      for (int64_t j = 0; j < w; ++j) want.push_back(x[static_cast<size_t>(r * w + j)]);
    BOOST_TEST(fetch(be, out) == want, boost::test_tools::per_element());  // a copy: bit-exact
  });
}

BOOST_AUTO_TEST_SUITE_END()
