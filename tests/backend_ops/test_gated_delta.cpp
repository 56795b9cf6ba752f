#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_ops_gated_delta)

BOOST_AUTO_TEST_CASE(recurrence_matches_the_transformers_rule) {
  for_each_backend([](Backend& be) {
    for (const DeltaCase& c :
         {DeltaCase{6, 2, 6, 19, 23}, DeltaCase{1, 1, 1, 16, 16}, DeltaCase{9, 2, 4, 33, 7}}) {
      Rng rng(131 + c.dk);
      auto q = rng.uniform(c.T * c.Hk * c.dk), k = rng.uniform(c.T * c.Hk * c.dk),
           v = rng.uniform(c.T * c.Hv * c.dv);
      auto a = rng.uniform(c.T * c.Hv, -3, 3), b = rng.uniform(c.T * c.Hv, -3, 3);
      auto a_log = rng.uniform(c.Hv, -1, 2), dt = rng.uniform(c.Hv, -1, 1);
      a[0] = 25.0f;  // softplus past its threshold (20): the identity branch
      auto s0 = rng.uniform(c.Hv * c.dk * c.dv, -0.5f, 0.5f);  // continuing from an earlier state
      Expected state_want;
      const Expected want = ref_gated_delta(c, q, k, v, a, b, a_log, dt, s0, state_want);
      Tensor state = upload_f32(be, {c.Hv, c.dk, c.dv}, s0),
             out = be.alloc(Elem::F32, {c.T, c.Hv, c.dv});
      be.gated_delta(be.default_stream(), upload_f32(be, {c.T, c.Hk, c.dk}, q),
                     upload_f32(be, {c.T, c.Hk, c.dk}, k), upload_f32(be, {c.T, c.Hv, c.dv}, v),
                     upload_f32(be, {c.T, c.Hv}, a), upload_f32(be, {c.T, c.Hv}, b),
                     upload_f32(be, {c.Hv}, a_log), upload_f32(be, {c.Hv}, dt), state, out);
      BOOST_TEST_CONTEXT("T=" << c.T << " Hk=" << c.Hk << " Hv=" << c.Hv << " dk=" << c.dk
                              << " dv=" << c.dv) {
        ARCHSCOPE_CHECK_WITHIN(fetch(be, out), want);
        ARCHSCOPE_CHECK_WITHIN(fetch(be, state), state_want);
      }
    }
  });
}

BOOST_AUTO_TEST_SUITE_END()
