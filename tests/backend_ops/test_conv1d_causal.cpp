#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_ops_conv1d_causal)

// Prefill of 6 tokens then 3 single-token decode steps carrying the state equal one pass over the
// whole sequence from a zero state (F.conv1d with K-1 left padding), in every weight dtype.
BOOST_AUTO_TEST_CASE(prefill_then_decode_equals_one_pass) {
  for_each_backend([](Backend& be) {
    for (Elem e : {Elem::F32, Elem::BF16, Elem::F16})
      for (bool bias : {true, false}) {
        Rng rng(121);
        const int64_t C = 37, K = 4, T = 9;
        auto x = rng.uniform(T * C, -2, 2), w = rng.uniform(C * K), b = rng.uniform(C);
        Tensor wt = upload_as(be, e, {C, K}, w), bt = bias ? upload_f32(be, {C}, b) : Tensor();
        Floats final_state;
        const Expected want = ref_conv1d_causal(
            x, w, bias ? b : Floats{}, Floats(C * (K - 1), 0.0f), T, C, K, true, final_state);
        Tensor state = upload_f32(be, {C, K - 1}, Floats(C * (K - 1), 0.0f));
        Floats got;
        for (auto [t0, n] : {std::pair<int64_t, int64_t>{0, 6}, {6, 1}, {7, 1}, {8, 1}}) {
          Floats part(x.begin() + t0 * C, x.begin() + (t0 + n) * C);
          Tensor out = be.alloc(Elem::F32, {n, C});
          be.conv1d_causal(be.default_stream(), upload_f32(be, {n, C}, part), wt, bt, state, true,
                           out);
          auto o = fetch(be, out);
          got.insert(got.end(), o.begin(), o.end());
        }
        BOOST_TEST_CONTEXT(to_string(e) << (bias ? " bias" : "")) {
          ARCHSCOPE_CHECK_WITHIN(got, want);
          BOOST_TEST(fetch(be, state) == final_state,
                     boost::test_tools::per_element());  // the last K-1 inputs
        }
      }
  });
}

BOOST_AUTO_TEST_CASE(without_silu_from_a_carried_state) {
  for_each_backend([](Backend& be) {
    Rng rng(122);
    const int64_t C = 5, K = 3, T = 4;
    auto x = rng.uniform(T * C), w = rng.uniform(C * K), s0 = rng.uniform(C * (K - 1));
    Floats final_state;
    const Expected want = ref_conv1d_causal(x, w, {}, s0, T, C, K, false, final_state);
    Tensor state = upload_f32(be, {C, K - 1}, s0), out = be.alloc(Elem::F32, {T, C});
    be.conv1d_causal(be.default_stream(), upload_f32(be, {T, C}, x), upload_f32(be, {C, K}, w),
                     Tensor(), state, false, out);
    ARCHSCOPE_CHECK_WITHIN(fetch(be, out), want);
    BOOST_TEST(fetch(be, state) == final_state, boost::test_tools::per_element());
  });
}

BOOST_AUTO_TEST_SUITE_END()
