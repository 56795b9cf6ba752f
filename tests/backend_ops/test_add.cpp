#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_ops_add)

BOOST_AUTO_TEST_CASE(scaled_add_in_place_and_out_of_place) {
  for_each_backend([](Backend& be) {
    Rng rng(21);
    const int64_t n = 40013;  // odd, and large enough to be split over threads
    auto a = rng.uniform(n), b = rng.uniform(n);
    Tensor at = upload_f32(be, {n}, a), bt = upload_f32(be, {n}, b), out = be.alloc(Elem::F32, {n});
    be.add(be.default_stream(), at, bt, 1.0f, out);
    ARCHSCOPE_CHECK_WITHIN(fetch(be, out), ref_add(a, b, 1.0f));
    be.add(be.default_stream(), at, bt, -0.37f, at);  // residual in place
    ARCHSCOPE_CHECK_WITHIN(fetch(be, at), ref_add(a, b, -0.37f));
  });
}

BOOST_AUTO_TEST_SUITE_END()
