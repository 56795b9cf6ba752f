#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_ops_activation)

BOOST_AUTO_TEST_CASE(each_activation_in_place_and_out_of_place) {
  for_each_backend([](Backend& be) {
    Rng rng(51);
    const int64_t n = 20011;
    auto x = rng.uniform(n, -8, 8);
    x[0] = 0.0f, x[1] = -20.0f, x[2] = 30.0f;  // the kinks and the saturated tails
    for (Activation a : {Activation::GeluTanh, Activation::GeluExact, Activation::Relu,
                         Activation::Silu, Activation::Sigmoid}) {
      BOOST_TEST_CONTEXT("activation " << static_cast<int>(a)) {
        Tensor xt = upload_f32(be, {n}, x), out = be.alloc(Elem::F32, {n});
        be.activation(be.default_stream(), xt, out, a);
        ARCHSCOPE_CHECK_WITHIN(fetch(be, out), ref_activation(x, a));
        be.activation(be.default_stream(), xt, xt, a);
        ARCHSCOPE_CHECK_WITHIN(fetch(be, xt), ref_activation(x, a));
      }
    }
  });
}

BOOST_AUTO_TEST_SUITE_END()
