#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_cpu_router)

namespace {
struct Routed { std::vector<int32_t> ids; std::vector<float> w; };
Routed route(CpuBackend& be, const std::vector<float>& logits, int64_t T, int64_t E, const std::vector<float>& bias,
             const RouterParams& p) {
  Tensor ids = be.alloc(Elem::I32, {T, p.top_k}), w = be.alloc(Elem::F32, {T, p.top_k});
  be.router(be.default_stream(), upload_f32(be, {T, E}, logits), bias.empty() ? Tensor() : upload_f32(be, {E}, bias), ids, w, p);
  return {fetch<int32_t>(be, ids), fetch(be, w)};
}
}  // namespace

BOOST_AUTO_TEST_CASE(softmax_top2_with_renormalisation_pinned) {
  CpuBackend be(1);
  // softmax of (ln 1, ln 2, ln 3, ln 4) = (0.1, 0.2, 0.3, 0.4); top-2 = experts 3, 2.
  const std::vector<float> l{0.0f, std::log(2.0f), std::log(3.0f), std::log(4.0f)};
  Routed r = route(be, l, 1, 4, {}, {RouterScore::Softmax, 2, false, 1, 1, 1.0f});
  BOOST_TEST(r.ids == (std::vector<int32_t>{3, 2}), boost::test_tools::per_element());
  BOOST_TEST(r.w[0] == 0.4f, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(r.w[1] == 0.3f, boost::test_tools::tolerance(1e-6f));
  r = route(be, l, 1, 4, {}, {RouterScore::Softmax, 2, true, 1, 1, 2.0f});  // renormalised, scaled by 2
  BOOST_TEST(r.w[0] == 2.0f * 4 / 7, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(r.w[1] == 2.0f * 3 / 7, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(deepseek_v3_group_limited_with_bias_pinned) {
  CpuBackend be(1);
  // 8 experts, 4 groups of 2, keep 2 groups, top-3. Logits 0 -> sigmoid 0.5 everywhere, so the
  // bias alone decides the selection (biased = 0.5 + bias).
  const std::vector<float> bias{0.5f, 0.6f, 0.0f, 0.0f, 0.3f, 0.6f, 0.2f, 1.0f};
  // group scores: g0 = 1.0+1.1 = 2.1, g1 = 1.0, g2 = 1.9, g3 = 2.2 -> groups 3 and 0 eligible.
  // eligible biased: e6 0.7, e7 1.5, e0 1.0, e1 1.1 -> top-3 = 7, 1, 0 (e5's 1.1 is in group 2).
  Routed r = route(be, std::vector<float>(8, 0.0f), 1, 8, bias, {RouterScore::Sigmoid, 3, true, 4, 2, 2.5f});
  BOOST_TEST(r.ids == (std::vector<int32_t>{7, 1, 0}), boost::test_tools::per_element());
  // Weights come from the unbiased scores (all 0.5): renormalised 1/3 each, times 2.5.
  for (float w : r.w) BOOST_TEST(w == 2.5f / 3, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(random_tokens_against_brute_force) {
  CpuBackend be(3);
  Rng rng(111);
  const int64_t T = 13, E = 24, K = 5;
  auto logits = rng.uniform(T * E, -4, 4);
  auto bias = rng.uniform(E, 0, 0.5f);
  const RouterParams p{RouterScore::Sigmoid, K, true, 6, 3, 1.5f};
  Routed r = route(be, logits, T, E, bias, p);
  for (int64_t t = 0; t < T; ++t) {
    // Brute force: the best set of top_groups groups by the top-2 sums, then top-k inside.
    std::vector<double> sc(E), ch(E);
    for (int64_t e = 0; e < E; ++e) { sc[e] = 1 / (1 + std::exp(-static_cast<double>(logits[t * E + e]))); ch[e] = sc[e] + bias[e]; }
    std::vector<std::pair<double, int>> groups;
    for (int g = 0; g < 6; ++g) {
      std::vector<double> m(ch.begin() + g * 4, ch.begin() + g * 4 + 4);
      std::sort(m.rbegin(), m.rend());
      groups.push_back({m[0] + m[1], g});
    }
    std::sort(groups.begin(), groups.end(), [](auto a, auto b) { return a.first > b.first; });
    std::vector<std::pair<double, int>> cand;
    for (int gi = 0; gi < 3; ++gi)
      for (int i = 0; i < 4; ++i) cand.push_back({ch[groups[gi].second * 4 + i], groups[gi].second * 4 + i});
    std::sort(cand.begin(), cand.end(), [](auto a, auto b) { return a.first > b.first; });
    double sum = 0;
    for (int k = 0; k < K; ++k) sum += sc[cand[k].second];
    for (int k = 0; k < K; ++k) {
      BOOST_TEST(r.ids[t * K + k] == cand[k].second);
      BOOST_TEST(r.w[t * K + k] == 1.5 * sc[cand[k].second] / sum, boost::test_tools::tolerance(1e-5));
    }
  }
}

BOOST_AUTO_TEST_CASE(rejects_bad_groups) {
  CpuBackend be(1);
  BOOST_CHECK_THROW(route(be, std::vector<float>(6, 0.0f), 1, 6, {}, {RouterScore::Softmax, 2, false, 4, 1, 1.0f}), Error);
  BOOST_CHECK_THROW(route(be, std::vector<float>(6, 0.0f), 1, 6, {}, {RouterScore::Softmax, 4, false, 3, 1, 1.0f}), Error);
}

BOOST_AUTO_TEST_SUITE_END()
