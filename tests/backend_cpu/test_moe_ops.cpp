#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <numeric>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

// The memory and MoE-grouping ops, each against a plain host computation in float64 (or exact
// integer bookkeeping for the grouping).
BOOST_AUTO_TEST_SUITE(backend_cpu_moe_ops)

BOOST_AUTO_TEST_CASE(fill_writes_every_element) {
  CpuBackend be(2);
  Tensor f = upload_f32(be, {3, 7}, std::vector<float>(21, 9.0f));
  be.fill(be.default_stream(), f, -2.5f);
  for (float v : fetch(be, f)) BOOST_TEST(v == -2.5f);
  Tensor i = upload_i32(be, {5}, {1, 2, 3, 4, 5});
  be.fill(be.default_stream(), i, 7.0f);
  for (int32_t v : fetch<int32_t>(be, i)) BOOST_TEST(v == 7);
  BOOST_CHECK_THROW(be.fill(be.default_stream(), i, 0.5f), Error);
}

BOOST_AUTO_TEST_CASE(copy_any_element_type_and_rejects_mismatch) {
  CpuBackend be(1);
  Rng rng(3);
  std::vector<float> v = rng.uniform(33);
  Tensor a = upload_as(be, Elem::BF16, {3, 11}, v);
  Tensor b = be.alloc(Elem::BF16, {33});
  be.copy(be.default_stream(), a, b);
  BOOST_TEST(fetch<uint16_t>(be, a) == fetch<uint16_t>(be, b), boost::test_tools::per_element());
  Tensor c = be.alloc(Elem::F32, {33});
  BOOST_CHECK_THROW(be.copy(be.default_stream(), a, c), Error);
  Tensor d = be.alloc(Elem::BF16, {32});
  BOOST_CHECK_THROW(be.copy(be.default_stream(), a, d), Error);
  // Overlapping views of one buffer are refused; the same view is a no-op.
  Tensor big = be.alloc(Elem::F32, {10});
  Tensor lo = big.slice_rows(0, 6), hi = big.slice_rows(4, 6);
  BOOST_CHECK_THROW(be.copy(be.default_stream(), lo, hi), Error);
  BOOST_CHECK_NO_THROW(be.copy(be.default_stream(), lo, lo));
}

BOOST_AUTO_TEST_CASE(scale_whole_and_per_row_in_place) {
  CpuBackend be(2);
  Rng rng(4);
  auto x = rng.uniform(5 * 9);
  auto r = rng.uniform(5);
  Tensor xt = upload_f32(be, {5, 9}, x);
  be.scale(be.default_stream(), xt, 0.75f, upload_f32(be, {5}, r), xt);
  auto y = fetch(be, xt);
  for (int64_t i = 0; i < 5; ++i)
    for (int64_t j = 0; j < 9; ++j)  // one rounding of each of two products: exact to 2 ulp
      BOOST_TEST(y[i * 9 + j] == 0.75 * r[i] * x[i * 9 + j], boost::test_tools::tolerance(3e-7));
  Tensor z = upload_f32(be, {5, 9}, x);
  be.scale(be.default_stream(), z, -3.0f, Tensor(), z);
  auto w = fetch(be, z);
  for (size_t i = 0; i < w.size(); ++i) BOOST_TEST(w[i] == -3.0f * x[i]);
  BOOST_CHECK_THROW(be.scale(be.default_stream(), z, 1.0f, upload_f32(be, {4}, {1, 2, 3, 4}), z), Error);
}

BOOST_AUTO_TEST_CASE(index_add_sums_repeated_rows_with_weights) {
  CpuBackend be(2);
  Rng rng(5);
  const int64_t R = 13, W = 150, N = 4;  // W spans several 64-column chunks, one partial
  auto src = rng.uniform(R * W);
  auto wt = rng.uniform(R);
  std::vector<int32_t> idx(R);
  for (auto& i : idx) i = rng.index(N);
  auto base = rng.uniform(N * W);
  Tensor out = upload_f32(be, {N, W}, base);
  be.index_add(be.default_stream(), upload_f32(be, {R, W}, src), upload_i32(be, {R}, idx), upload_f32(be, {R}, wt),
               out);
  std::vector<double> want(base.begin(), base.end());
  for (int64_t r = 0; r < R; ++r)
    for (int64_t j = 0; j < W; ++j) want[idx[r] * W + j] += static_cast<double>(wt[r]) * src[r * W + j];
  ARCHSCOPE_CHECK_CLOSE(fetch(be, out), want, 1e-6);
  std::vector<int32_t> bad(R, 0);
  bad[3] = static_cast<int32_t>(N);
  BOOST_CHECK_THROW(be.index_add(be.default_stream(), upload_f32(be, {R, W}, src), upload_i32(be, {R}, bad), Tensor(),
                                 out),
                    Error);
}

BOOST_AUTO_TEST_CASE(moe_group_is_a_stable_sort_by_expert) {
  CpuBackend be(1);
  Rng rng(6);
  const int64_t T = 9, k = 3, E = 7;
  std::vector<int32_t> ids(T * k);
  for (int64_t t = 0; t < T; ++t) {  // distinct experts per token, as a top-k router gives
    std::vector<int32_t> pick(E);
    std::iota(pick.begin(), pick.end(), 0);
    std::shuffle(pick.begin(), pick.end(), rng.gen);
    for (int64_t j = 0; j < k; ++j) ids[t * k + j] = pick[j];
  }
  auto wts = rng.uniform(T * k, 0, 1);
  Tensor tok = be.alloc(Elem::I32, {T * k}), wo = be.alloc(Elem::F32, {T * k}), off = be.alloc(Elem::I32, {E + 1});
  be.moe_group(be.default_stream(), upload_i32(be, {T, k}, ids), upload_f32(be, {T, k}, wts), E, tok, wo, off);
  auto t = fetch<int32_t>(be, tok);
  auto w = fetch(be, wo);
  auto o = fetch<int32_t>(be, off);
  // Expected by brute force: for each expert, the slots that chose it, in slot order.
  std::vector<int32_t> want_t, want_o{0};
  std::vector<float> want_w;
  for (int32_t e = 0; e < E; ++e) {
    for (int64_t i = 0; i < T * k; ++i)
      if (ids[i] == e) {
        want_t.push_back(static_cast<int32_t>(i / k));
        want_w.push_back(wts[i]);
      }
    want_o.push_back(static_cast<int32_t>(want_t.size()));
  }
  BOOST_TEST(t == want_t, boost::test_tools::per_element());
  BOOST_TEST(w == want_w, boost::test_tools::per_element());
  BOOST_TEST(o == want_o, boost::test_tools::per_element());
  ids[4] = static_cast<int32_t>(E);
  BOOST_CHECK_THROW(be.moe_group(be.default_stream(), upload_i32(be, {T, k}, ids), upload_f32(be, {T, k}, wts), E,
                                 tok, wo, off),
                    Error);
}

BOOST_AUTO_TEST_CASE(grouped_linear_uses_each_experts_weights) {
  for (Elem we : {Elem::F32, Elem::BF16, Elem::F16}) {
    CpuBackend be(2);
    Rng rng(7);
    const int64_t E = 5, N = 19, K = 37;
    const std::vector<int32_t> off = {0, 3, 3, 24, 25, 26};  // an empty expert, a GEMM-sized one, single rows
    const int64_t R = off.back();
    auto x = rng.uniform(R * K);
    auto w = rng.uniform(E * N * K);
    auto b = rng.uniform(E * N);
    Tensor y = be.alloc(Elem::F32, {R, N});
    be.grouped_linear(be.default_stream(), upload_f32(be, {R, K}, x), upload_as(be, we, {E, N, K}, w),
                      upload_f32(be, {E, N}, b), upload_i32(be, {E + 1}, off), y);
    std::vector<double> want(R * N);
    for (int64_t e = 0; e < E; ++e)
      for (int64_t r = off[e]; r < off[e + 1]; ++r)
        for (int64_t n = 0; n < N; ++n) {
          double s = b[e * N + n];
          for (int64_t i = 0; i < K; ++i) s += static_cast<double>(x[r * K + i]) * w[(e * N + n) * K + i];
          want[r * N + n] = s;
        }
    BOOST_TEST_CONTEXT(to_string(we)) { ARCHSCOPE_CHECK_CLOSE(fetch(be, y), want, 1e-5); }
    const std::vector<int32_t> bad = {0, 3, 2, 24, 25, 26};
    BOOST_CHECK_THROW(be.grouped_linear(be.default_stream(), upload_f32(be, {R, K}, x), upload_as(be, we, {E, N, K}, w),
                                        Tensor(), upload_i32(be, {E + 1}, bad), y),
                      Error);
  }
}

BOOST_AUTO_TEST_SUITE_END()
