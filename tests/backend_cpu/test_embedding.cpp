#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_cpu_embedding)

BOOST_AUTO_TEST_CASE(gather_scale_and_learned_positions) {
  for (Elem e : {Elem::F32, Elem::BF16, Elem::F16}) {
    CpuBackend be(3);
    Rng rng(11);
    const int64_t V = 37, D = 53, P = 19, T = 9;
    auto table = rng.uniform(V * D), pos = rng.uniform(P * D);
    std::vector<int32_t> ids, pids;
    for (int64_t t = 0; t < T; ++t) { ids.push_back(rng.index(V)); pids.push_back(rng.index(P)); }
    Tensor tt = upload_as(be, e, {V, D}, table), pt = upload_as(be, e, {P, D}, pos);
    Tensor out = be.alloc(Elem::F32, {T, D});
    const float scale = 7.2801099f;  // Gemma-style sqrt(d_model)
    be.embedding(be.default_stream(), upload_i32(be, {T}, ids), tt, scale, upload_i32(be, {T}, pids), pt, out);
    std::vector<double> want(T * D);
    for (int64_t t = 0; t < T; ++t)
      for (int64_t i = 0; i < D; ++i)
        want[t * D + i] = static_cast<double>(scale) * table[ids[t] * D + i] + pos[pids[t] * D + i];
    ARCHSCOPE_CHECK_CLOSE(fetch(be, out), want, 1e-6);
  }
}

BOOST_AUTO_TEST_CASE(out_of_range_ids_throw) {
  CpuBackend be(1);
  Tensor table = be.alloc(Elem::F32, {5, 3}), out = be.alloc(Elem::F32, {1, 3});
  BOOST_CHECK_THROW(be.embedding(be.default_stream(), upload_i32(be, {1}, {5}), table, 1.0f, Tensor(), Tensor(), out), Error);
  BOOST_CHECK_THROW(be.embedding(be.default_stream(), upload_i32(be, {1}, {-1}), table, 1.0f, Tensor(), Tensor(), out), Error);
}

BOOST_AUTO_TEST_SUITE_END()
