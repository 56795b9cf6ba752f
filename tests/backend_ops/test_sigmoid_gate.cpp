#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_ops_sigmoid_gate)

BOOST_AUTO_TEST_CASE(elementwise_and_per_row_gates) {
  for_each_backend([](Backend& be) {
    Rng rng(71);
    const int64_t T = 7, W = 45;
    auto x = rng.uniform(T * W), g = rng.uniform(T * W, -5, 5), g1 = rng.uniform(T, -5, 5);
    Tensor xt = upload_f32(be, {T, W}, x), out = be.alloc(Elem::F32, {T, W});
    be.sigmoid_gate(be.default_stream(), xt, upload_f32(be, {T, W}, g), out);
    ARCHSCOPE_CHECK_WITHIN(fetch(be, out), ref_sigmoid_gate(x, g, W));
    be.sigmoid_gate(be.default_stream(), xt, upload_f32(be, {T, 1}, g1), xt);  // in place
    ARCHSCOPE_CHECK_WITHIN(fetch(be, xt), ref_sigmoid_gate(x, g1, W));
  });
}

BOOST_AUTO_TEST_SUITE_END()
