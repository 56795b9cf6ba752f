#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_ops_softcap)

BOOST_AUTO_TEST_CASE(final_logit_scale_and_cap) {
  for_each_backend([](Backend& be) {
    Rng rng(81);
    const int64_t n = 30001;
    auto x = rng.uniform(n, -100, 100);
    Tensor xt = upload_f32(be, {n}, x), out = be.alloc(Elem::F32, {n});
    be.softcap(be.default_stream(), xt, 0.5f, 30.0f, out);
    ARCHSCOPE_CHECK_WITHIN(fetch(be, out), ref_softcap(x, 0.5f, 30.0f));
    be.softcap(be.default_stream(), xt, 0.5f, 0.0f, out);  // cap 0: scale only
    ARCHSCOPE_CHECK_WITHIN(fetch(be, out), ref_softcap(x, 0.5f, 0.0f));
  });
}

BOOST_AUTO_TEST_SUITE_END()
