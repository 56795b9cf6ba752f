#include <cmath>

#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {
struct Routed {
  Ints ids;
  Floats w;
};
Routed route(Backend& be, const Floats& logits, int64_t T, int64_t E, const Floats& bias,
             const RouterParams& p) {
  Tensor ids = be.alloc(Elem::I32, {T, p.top_k}), w = be.alloc(Elem::F32, {T, p.top_k});
  be.router(be.default_stream(), upload_f32(be, {T, E}, logits),
            bias.empty() ? Tensor() : upload_f32(be, {E}, bias), ids, w, p);
  return {fetch<int32_t>(be, ids), fetch(be, w)};
}
// The reference's weights, with the values replaced by hand-derived ones (pinned cases).
Expected pinned(const Routing& ref, const std::vector<double>& hand) {
  Expected e = ref.weights;
  BOOST_REQUIRE_EQUAL(hand.size(), e.value.size());
  for (size_t i = 0; i < hand.size(); ++i) {
    BOOST_TEST(std::abs(e.value[i] - hand[i]) < 1e-9);  // the reference agrees with the hand value
    e.value[i] = hand[i];
  }
  return e;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(backend_ops_router)

BOOST_AUTO_TEST_CASE(softmax_top2_with_renormalisation_pinned) {
  for_each_backend([](Backend& be) {
    // softmax of (ln 1, ln 2, ln 3, ln 4) = (0.1, 0.2, 0.3, 0.4); top-2 = experts 3, 2.
    const Floats l{0.0f, std::log(2.0f), std::log(3.0f), std::log(4.0f)};
    RouterParams p{RouterScore::Softmax, 2, false, 1, 1, 1.0f};
    Routed r = route(be, l, 1, 4, {}, p);
    BOOST_TEST(r.ids == (Ints{3, 2}), boost::test_tools::per_element());
    ARCHSCOPE_CHECK_WITHIN(r.w, ref_router(l, {}, 1, 4, p).weights);
    BOOST_TEST(std::abs(ref_router(l, {}, 1, 4, p).weights.value[0] - 0.4) <
               1e-7);                                 // fp32 ln k: ~1e-8 off
    p = {RouterScore::Softmax, 2, true, 1, 1, 2.0f};  // renormalised, scaled by 2
    r = route(be, l, 1, 4, {}, p);
    const Expected want = ref_router(l, {}, 1, 4, p).weights;
    BOOST_TEST(std::abs(want.value[0] - 2.0 * 4 / 7) < 1e-7);
    BOOST_TEST(std::abs(want.value[1] - 2.0 * 3 / 7) < 1e-7);
    ARCHSCOPE_CHECK_WITHIN(r.w, want);
  });
}

BOOST_AUTO_TEST_CASE(deepseek_v3_group_limited_with_bias_pinned) {
  for_each_backend([](Backend& be) {
    // 8 experts, 4 groups of 2, keep 2 groups, top-3. Logits 0 -> sigmoid 0.5 everywhere, so the
    // bias alone decides the selection (biased = 0.5 + bias).
    const Floats bias{0.5f, 0.6f, 0.0f, 0.0f, 0.3f, 0.6f, 0.2f, 1.0f};
    // group scores: g0 = 1.0+1.1 = 2.1, g1 = 1.0, g2 = 1.9, g3 = 2.2 -> groups 3 and 0 eligible.
    // eligible biased: e6 0.7, e7 1.5, e0 1.0, e1 1.1 -> top-3 = 7, 1, 0 (e5's 1.1 is in group 2).
    const RouterParams p{RouterScore::Sigmoid, 3, true, 4, 2, 2.5f};
    const Floats l(8, 0.0f);
    Routed r = route(be, l, 1, 8, bias, p);
    BOOST_TEST(r.ids == (Ints{7, 1, 0}), boost::test_tools::per_element());
    // Weights come from the unbiased scores (all 0.5): renormalised 1/3 each, times 2.5.
    ARCHSCOPE_CHECK_WITHIN(r.w, pinned(ref_router(l, bias, 1, 8, p), {2.5 / 3, 2.5 / 3, 2.5 / 3}));
  });
}

BOOST_AUTO_TEST_CASE(random_tokens_every_mode) {
  for_each_backend([](Backend& be) {
    Rng rng(111);
    const int64_t T = 13, E = 24;
    auto logits = rng.uniform(T * E, -4, 4);
    auto bias = rng.uniform(E, 0, 0.5f);
    for (const RouterParams& p : {RouterParams{RouterScore::Sigmoid, 5, true, 6, 3, 1.5f},
                                  RouterParams{RouterScore::Softmax, 2, true, 1, 1, 1.0f},
                                  RouterParams{RouterScore::Softmax, 8, false, 1, 1, 1.0f},
                                  RouterParams{RouterScore::Sigmoid, 1, false, 1, 1, 2.5f}}) {
      for (bool with_bias : {false, true}) {
        const Floats b = with_bias ? bias : Floats{};
        const Routing want = ref_router(logits, b, T, E, p);
        BOOST_TEST_CONTEXT("top_k " << p.top_k << " groups " << p.groups
                                    << (with_bias ? " bias" : "")) {
          // The data decides the selection (no near-ties), so every correct backend picks these
          // ids.
          BOOST_REQUIRE(want.decisive > 1.0);
          Routed r = route(be, logits, T, E, b, p);
          BOOST_TEST(r.ids == want.ids, boost::test_tools::per_element());
          ARCHSCOPE_CHECK_WITHIN(r.w, want.weights);
        }
      }
    }
  });
}

BOOST_AUTO_TEST_SUITE_END()
