// The memory and MoE-grouping ops on CUDA: fill, copy, scale (exact or 2 ulp), index_add (a
// k-term fp32 sum per element in an unspecified order: k u sum|terms|), moe_group (exact, the
// CPU backend's stable order). grouped_linear's kernels: test_grouped_linear.cpp.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <numeric>

#include "common/error.hpp"
#include "cuda_helpers.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(cuda_moe_ops)

BOOST_AUTO_TEST_CASE(fill_copy_scale) {
  Stream& s = gpu().default_stream();
  Tensor f = poisoned(gpu(), {3, 7});
  gpu().fill(s, f, -2.5f);
  BOOST_TEST(get(gpu(), f) == std::vector<float>(21, -2.5f));
  Tensor i = put_i32(gpu(), {5}, {1, 2, 3, 4, 5});
  gpu().fill(s, i, 7.0f);
  BOOST_TEST(get<int32_t>(gpu(), i) == std::vector<int32_t>(5, 7));
  BOOST_CHECK_THROW(gpu().fill(s, i, 0.5f), Error);

  Rng r(3);
  std::vector<float> v = r.uniform(33);
  Tensor a = put(gpu(), Elem::BF16, {3, 11}, v), b = gpu().alloc(Elem::BF16, {33});
  gpu().copy(s, a, b);
  BOOST_TEST(get<uint16_t>(gpu(), a) == get<uint16_t>(gpu(), b));
  Tensor c = gpu().alloc(Elem::F32, {33});
  BOOST_CHECK_THROW(gpu().copy(s, a, c), Error);
  Tensor big = gpu().alloc(Elem::F32, {10});
  Tensor lo = big.slice_rows(0, 6), hi = big.slice_rows(4, 6);
  BOOST_CHECK_THROW(gpu().copy(s, lo, hi), Error);

  std::vector<float> x = r.uniform(5 * 9), rs = r.uniform(5);
  Tensor xt = put_f32(gpu(), {5, 9}, x);
  gpu().scale(s, xt, 0.75f, put_f32(gpu(), {5}, rs), xt);
  const auto y = get(gpu(), xt);
  std::vector<double> want(y.size()), bound(y.size());
  for (size_t k = 0; k < y.size(); ++k) {
    want[k] = 0.75 * rs[k / 9] * x[k];
    bound[k] = 2 * kU32 * std::fabs(want[k]) + 1e-30;
  }
  ARCHSCOPE_CHECK_BOUND(y, want, bound, "scale per row");
}

BOOST_AUTO_TEST_CASE(index_add_combines_rows) {
  Stream& s = gpu().default_stream();
  const int64_t R = 40, W = 300, N = 11;
  Rng r(5);
  std::vector<float> src = r.uniform(static_cast<size_t>(R * W)),
                     w = r.uniform(static_cast<size_t>(R));
  std::vector<float> base = r.uniform(static_cast<size_t>(N * W));
  std::vector<int32_t> idx(static_cast<size_t>(R));
  for (auto& v : idx) v = r.index(static_cast<int32_t>(N));
  Tensor out = put_f32(gpu(), {N, W}, base);
  gpu().index_add(s, put_f32(gpu(), {R, W}, src), put_i32(gpu(), {R}, idx), put_f32(gpu(), {R}, w),
                  out);
  std::vector<double> want(base.begin(), base.end()), mag(base.size()), bound(base.size());
  std::vector<int> k(static_cast<size_t>(N), 1);
  for (size_t i = 0; i < base.size(); ++i) mag[i] = std::fabs(base[i]);
  for (int64_t row = 0; row < R; ++row) {
    ++k[static_cast<size_t>(idx[static_cast<size_t>(row)])];
    for (int64_t c = 0; c < W; ++c) {
      const double t =
          static_cast<double>(w[static_cast<size_t>(row)]) * src[static_cast<size_t>(row * W + c)];
      want[static_cast<size_t>(idx[static_cast<size_t>(row)] * W + c)] += t;
      mag[static_cast<size_t>(idx[static_cast<size_t>(row)] * W + c)] += std::fabs(t);
    }
  }
  for (size_t i = 0; i < bound.size(); ++i) bound[i] = (k[i / W] + 1) * kU32 * mag[i] + 1e-30;
  ARCHSCOPE_CHECK_BOUND(get(gpu(), out), want, bound, "index_add");
  Tensor bad = put_i32(gpu(), {1}, {11});
  gpu().index_add(s, put_f32(gpu(), {1, W}, std::vector<float>(static_cast<size_t>(W), 1.0f)), bad,
                  Tensor(), out);
  BOOST_CHECK_THROW(gpu().synchronize(s), Error);
}

BOOST_AUTO_TEST_CASE(moe_group_matches_the_cpu_order) {
  for (auto [T, k, E] : {std::tuple<int64_t, int64_t, int64_t>{1, 8, 128},
                         {37, 2, 8},
                         {300, 6, 64},
                         {2048, 8, 384}}) {
    Rng r(static_cast<uint64_t>(T * k + E));
    std::vector<int32_t> ids(static_cast<size_t>(T * k));
    for (int64_t t = 0; t < T; ++t)  // k distinct experts per token, skewed towards low ids
      for (int64_t j = 0; j < k; ++j) {
        int32_t e;
        bool dup;
        do {
          e = std::min<int32_t>(static_cast<int32_t>(E - 1),
                                r.index(static_cast<int32_t>(E)) / (j % 2 + 1));
          dup = false;
          for (int64_t i = 0; i < j; ++i) dup = dup || ids[static_cast<size_t>(t * k + i)] == e;
        } while (dup);
        ids[static_cast<size_t>(t * k + j)] = e;
      }
    std::vector<float> w = r.uniform(static_cast<size_t>(T * k));
    auto run = [&](Backend& be, std::vector<int32_t>& tok, std::vector<float>& wo,
                   std::vector<int32_t>& off) {
      Tensor a = be.alloc(Elem::I32, {T * k}), b = be.alloc(Elem::F32, {T * k}),
             c = be.alloc(Elem::I32, {E + 1});
      be.moe_group(be.default_stream(), put_i32(be, {T, k}, ids), put_f32(be, {T, k}, w), E, a, b,
                   c);
      tok = get<int32_t>(be, a);
      wo = get(be, b);
      off = get<int32_t>(be, c);
    };
    std::vector<int32_t> gt, ct, go, co;
    std::vector<float> gw, cw;
    run(gpu(), gt, gw, go);
    run(host(), ct, cw, co);
    BOOST_TEST(go == co, "offsets T=" << T << " k=" << k << " E=" << E);
    BOOST_TEST(gt == ct, "token_of");
    BOOST_TEST(gw == cw, "weight_of");
  }
}

BOOST_AUTO_TEST_SUITE_END()
