#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_cpu_conv1d_causal)

BOOST_AUTO_TEST_CASE(prefill_then_decode_equals_one_pass) {
  CpuBackend be(3);
  Rng rng(121);
  const int64_t C = 37, K = 4, T = 9;
  auto x = rng.uniform(T * C, -2, 2), w = rng.uniform(C * K), b = rng.uniform(C);
  Tensor wt = upload_as(be, Elem::BF16, {C, K}, w), bt = upload_f32(be, {C}, b);
  // float64 reference over the whole sequence from a zero state (F.conv1d, left padding K-1).
  std::vector<double> want(T * C);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t c = 0; c < C; ++c) {
      double acc = b[c];
      for (int64_t i = 0; i < K; ++i) {
        const int64_t src = t - (K - 1) + i;
        if (src >= 0) acc += static_cast<double>(w[c * K + i]) * x[src * C + c];
      }
      want[t * C + c] = acc / (1 + std::exp(-acc));
    }
  // Run as a prefill of 6 tokens, then 3 single-token decode steps carrying the state.
  Tensor state = upload_f32(be, {C, K - 1}, std::vector<float>(C * (K - 1), 0.0f));
  std::vector<float> got;
  for (auto [t0, n] : {std::pair<int64_t, int64_t>{0, 6}, {6, 1}, {7, 1}, {8, 1}}) {
    std::vector<float> part(x.begin() + t0 * C, x.begin() + (t0 + n) * C);
    Tensor out = be.alloc(Elem::F32, {n, C});
    be.conv1d_causal(be.default_stream(), upload_f32(be, {n, C}, part), wt, bt, state, true, out);
    auto o = fetch(be, out);
    got.insert(got.end(), o.begin(), o.end());
  }
  ARCHSCOPE_CHECK_CLOSE(got, want, 1e-5);
  // The state holds the last K-1 inputs, oldest first.
  auto st = fetch(be, state);
  for (int64_t c = 0; c < C; ++c)
    for (int64_t i = 0; i < K - 1; ++i) BOOST_TEST(st[c * (K - 1) + i] == x[(T - (K - 1) + i) * C + c]);
}

BOOST_AUTO_TEST_SUITE_END()
