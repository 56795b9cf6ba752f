#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_ops_embedding)

BOOST_AUTO_TEST_CASE(gather_scale_and_learned_positions) {
  for_each_backend([](Backend& be) {
    for (Elem e : {Elem::F32, Elem::BF16, Elem::F16}) {
      Rng rng(11);
      const int64_t V = 37, D = 53, P = 19, T = 9;
      auto table = rng.uniform(V * D), pos = rng.uniform(P * D);
      Ints ids, pids;
      for (int64_t t = 0; t < T; ++t) {
        ids.push_back(rng.index(V));
        pids.push_back(rng.index(P));
      }
      Tensor tt = upload_as(be, e, {V, D}, table), pt = upload_as(be, e, {P, D}, pos);
      Tensor out = be.alloc(Elem::F32, {T, D});
      const float scale = 7.2801099f;  // Gemma-style sqrt(d_model)
      BOOST_TEST_CONTEXT(to_string(e)) {
        be.embedding(be.default_stream(), upload_i32(be, {T}, ids), tt, scale,
                     upload_i32(be, {T}, pids), pt, out);
        ARCHSCOPE_CHECK_WITHIN(fetch(be, out), ref_embedding(table, ids, scale, pos, pids, D));
        be.embedding(be.default_stream(), upload_i32(be, {T}, ids), tt, 1.0f, Tensor(), Tensor(),
                     out);
        ARCHSCOPE_CHECK_WITHIN(fetch(be, out), ref_embedding(table, ids, 1.0f, {}, {}, D));
      }
    }
  });
}

BOOST_AUTO_TEST_SUITE_END()
