// The MoE grouping ops: moe_group exactly (integer bookkeeping, against brute force), index_add
// and grouped_linear within their sum bounds.
#include <algorithm>
#include <numeric>

#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_ops_moe)

BOOST_AUTO_TEST_CASE(index_add_sums_repeated_rows_with_weights) {
  for_each_backend([](Backend& be) {
    Rng rng(5);
    const int64_t R = 13, W = 150, N = 4;  // several 64-column chunks, one partial
    auto src = rng.uniform(R * W), wt = rng.uniform(R), base = rng.uniform(N * W);
    Ints idx(static_cast<size_t>(R));
    for (auto& i : idx) i = rng.index(N);
    for (bool weighted : {true, false}) {
      Tensor out = upload_f32(be, {N, W}, base);
      be.index_add(be.default_stream(), upload_f32(be, {R, W}, src), upload_i32(be, {R}, idx),
                   weighted ? upload_f32(be, {R}, wt) : Tensor(), out);
      ARCHSCOPE_CHECK_WITHIN(fetch(be, out),
                             ref_index_add(base, src, idx, weighted ? wt : Floats{}, W));
    }
    Ints bad(static_cast<size_t>(R), 0);
    bad[3] = static_cast<int32_t>(N);
    Tensor out = upload_f32(be, {N, W}, base);
    // A device backend reports the bad index at the next synchronisation.
    BOOST_CHECK_THROW((be.index_add(be.default_stream(), upload_f32(be, {R, W}, src),
                                    upload_i32(be, {R}, bad), Tensor(), out),
                       be.synchronize(be.default_stream())),
                      Error);
  });
}

BOOST_AUTO_TEST_CASE(moe_group_is_a_stable_sort_by_expert) {
  for_each_backend([](Backend& be) {
    Rng rng(6);
    const int64_t T = 9, k = 3, E = 7;
    Ints ids(static_cast<size_t>(T * k));
    for (int64_t t = 0; t < T; ++t) {  // distinct experts per token, as a top-k router gives
      Ints pick(static_cast<size_t>(E));
      std::iota(pick.begin(), pick.end(), 0);
      std::shuffle(pick.begin(), pick.end(), rng.gen);
      for (int64_t j = 0; j < k; ++j) ids[t * k + j] = pick[j];
    }
    auto wts = rng.uniform(T * k, 0, 1);
    Tensor tok = be.alloc(Elem::I32, {T * k}), wo = be.alloc(Elem::F32, {T * k}),
           off = be.alloc(Elem::I32, {E + 1});
    be.moe_group(be.default_stream(), upload_i32(be, {T, k}, ids), upload_f32(be, {T, k}, wts), E,
                 tok, wo, off);
    // Brute force: for each expert, the slots that chose it, in slot order.
    Ints want_t, want_o{0};
    Floats want_w;
    for (int32_t e = 0; e < E; ++e) {
      for (int64_t i = 0; i < T * k; ++i)
        if (ids[i] == e) {
          want_t.push_back(static_cast<int32_t>(i / k));
          want_w.push_back(wts[i]);
        }
      want_o.push_back(static_cast<int32_t>(want_t.size()));
    }
    BOOST_TEST(fetch<int32_t>(be, tok) == want_t, boost::test_tools::per_element());
    BOOST_TEST(fetch(be, wo) == want_w, boost::test_tools::per_element());
    BOOST_TEST(fetch<int32_t>(be, off) == want_o, boost::test_tools::per_element());
    ids[4] = static_cast<int32_t>(E);
    BOOST_CHECK_THROW((be.moe_group(be.default_stream(), upload_i32(be, {T, k}, ids),
                                    upload_f32(be, {T, k}, wts), E, tok, wo, off),
                       be.synchronize(be.default_stream())),
                      Error);
  });
}

BOOST_AUTO_TEST_CASE(grouped_linear_uses_each_experts_weights) {
  for_each_backend([](Backend& be) {
    for (Elem we : {Elem::F32, Elem::BF16, Elem::F16}) {
      Rng rng(7);
      const int64_t E = 5, N = 19, K = 37;
      const Ints off = {0, 3, 3, 24, 25, 26};  // an empty expert, a GEMM-sized one, single rows
      const int64_t R = off.back();
      auto x = rng.uniform(R * K), w = rng.uniform(E * N * K), b = rng.uniform(E * N);
      Tensor wt = upload_as(be, we, {E, N, K}, w);
      Tensor y = be.alloc(Elem::F32, {R, N});
      be.grouped_linear(be.default_stream(), upload_f32(be, {R, K}, x), wt,
                        upload_f32(be, {E, N}, b), upload_i32(be, {E + 1}, off), y);
      BOOST_TEST_CONTEXT(to_string(we)) {
        ARCHSCOPE_CHECK_WITHIN(fetch(be, y), ref_grouped_linear(x, w, b, off, K, N));
      }
      be.grouped_linear(be.default_stream(), upload_f32(be, {R, K}, x), wt, Tensor(),
                        upload_i32(be, {E + 1}, off), y);
      BOOST_TEST_CONTEXT(to_string(we) << " no bias") {
        ARCHSCOPE_CHECK_WITHIN(fetch(be, y), ref_grouped_linear(x, w, {}, off, K, N));
      }
    }
  });
}

BOOST_AUTO_TEST_SUITE_END()
