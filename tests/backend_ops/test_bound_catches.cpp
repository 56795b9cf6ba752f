// The bounds are tight enough to matter: results of real kernels made deliberately wrong by one
// small mistake fail them, by a wide margin.
#include <algorithm>
#include <cmath>

#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_ops_bounds_catch_bugs)

// One product of median size left out of one output's K-term sum (the kernel run on a weight
// matrix with that one entry zeroed) overshoots lambda sqrt(K) u S by ~median|x w| / (2 sqrt(K) u
// S): about 190x at K = 1031 and 24x at K = 4103 for uniform data.
BOOST_AUTO_TEST_CASE(one_dropped_product) {
  for_each_backend([](Backend& be) {
    for (Elem e : {Elem::F32, Elem::BF16, Elem::F16})
      for (int64_t K : {int64_t{77}, int64_t{1031}, int64_t{4103}}) {
        const int64_t T = 3, N = 5;
        Rng rng(200 + K);
        auto x = rng.uniform(T * K), w = rng.uniform(N * K);
        Tensor xt = upload_f32(be, {T, K}, x);
        upload_as(be, e, {N, K}, w);  // rounds w to what the kernel would read
        const Expected want = ref_linear(x, w, {}, T, K, N);
        // The product of median magnitude in output (t 1, n 2); weight row 2 serves every token.
        std::vector<std::pair<double, int64_t>> mag;
        for (int64_t k = 0; k < K; ++k)
          mag.push_back({std::abs(double(x[K + k]) * w[2 * K + k]), k});
        std::nth_element(mag.begin(), mag.begin() + K / 2, mag.end());
        Floats dropped = w;
        dropped[2 * K + mag[K / 2].second] = 0.0f;
        Tensor y = be.alloc(Elem::F32, {T, N});
        be.linear(be.default_stream(), xt, upload_as(be, e, {N, K}, dropped), Tensor(), y);
        const Verdict v = judge(fetch(be, y), want);
        BOOST_TEST_MESSAGE(to_string(e) << " K=" << K << ": one dropped product = " << v.ratio
                                        << " x the bound");
        BOOST_TEST_CONTEXT(to_string(e) << " K=" << K) {
          BOOST_TEST(v.index % N == 2u);  // a damaged output (weight row 2, any token) is the worst
          BOOST_TEST(v.ratio > 10.0);
        }
      }
  });
}

// RMSNorm run with eps ten times too large (1e-5 instead of 1e-6: the Gemma 3 kind of slip) on
// rows whose mean square is comparable to eps, and on model-width rows of ordinary size.
BOOST_AUTO_TEST_CASE(a_tenfold_eps) {
  for_each_backend([](Backend& be) {
    for (float scale : {3e-3f, 0.05f}) {
      const int64_t rows = 4, W = 257;
      Rng rng(300);
      auto x = rng.uniform(rows * W, -scale, scale), w = rng.uniform(W);
      const NormParams right{NormOp::RmsPlusOne, 1e-6f, W}, wrong{NormOp::RmsPlusOne, 1e-5f, W};
      Tensor xt = upload_f32(be, {rows, W}, x), out = be.alloc(Elem::F32, {rows, W});
      be.norm(be.default_stream(), xt, upload_f32(be, {W}, w), Tensor(), out, wrong);
      const Verdict v = judge(fetch(be, out), ref_norm(x, w, {}, right));
      BOOST_TEST_MESSAGE("rms " << scale << ": eps x10 = " << v.ratio << " x the bound");
      BOOST_TEST(v.ratio > 10.0);
    }
  });
}

// Sliding attention with the window off by one (one key too few for every query).
BOOST_AUTO_TEST_CASE(a_window_off_by_one) {
  for_each_backend([](Backend& be) {
    const AttentionCase c{4, 4, 2, 32, 32, 300, {AttentionMask::Sliding, 200, 0, 0}};
    Rng rng(400);
    auto q = rng.uniform(c.T * c.Hq * c.Dqk, -2, 2), k = rng.uniform(c.len * c.Hkv * c.Dqk, -2, 2);
    auto v = rng.uniform(c.len * c.Hkv * c.Dv);
    KvBlocks kv{upload_f32(be, {1, c.len, c.Hkv, c.Dqk}, k),
                upload_f32(be, {1, c.len, c.Hkv, c.Dv}, v), upload_i32(be, {1}, {0}), c.len, c.len};
    Ints pos;
    for (int64_t t = 0; t < c.T; ++t) pos.push_back(static_cast<int32_t>(c.len - c.T + t));
    Tensor out = be.alloc(Elem::F32, {c.T, c.Hq, c.Dv});
    AttentionParams narrower = c.p;
    narrower.window -= 1;
    be.attention(be.default_stream(), upload_f32(be, {c.T, c.Hq, c.Dqk}, q),
                 upload_i32(be, {c.T}, pos), kv, Tensor(), out, narrower);
    const Verdict verdict = judge(fetch(be, out), ref_attention(c, q, pos, k, v, {}));
    BOOST_TEST_MESSAGE("attention window - 1 over 200 keys = " << verdict.ratio << " x the bound");
    BOOST_TEST(verdict.ratio > 10.0);
  });
}

BOOST_AUTO_TEST_SUITE_END()
