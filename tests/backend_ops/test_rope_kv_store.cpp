// rope_kv_store (rope on q and k, then the cache write of k and v) against the float64 rope
// reference and the stored bits of round-to-nearest-even: q and k within ref_rope's bound, each
// pool slot the block table names holding k's rotated value (and v's) rounded to the pool's
// dtype. Partial and offset rotary spans (elements of k outside the span go to the cache as
// they are), interleaved pairs, every pool dtype, several tokens through the block table.
#include <cmath>

#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

Floats pool_values(Backend& be, Elem e, const Tensor& t) {
  if (e == Elem::F32) return fetch<float>(be, t);
  Floats out;
  for (uint16_t b : fetch<uint16_t>(be, t))
    out.push_back(e == Elem::BF16 ? from_bf16(b) : from_f16(b));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_ops_rope_kv_store)

BOOST_AUTO_TEST_CASE(rotates_q_and_k_and_stores_the_rotated_keys) {
  for_each_backend([](Backend& be) {
    struct Case {
      int64_t offset, rot;
      bool inter;
      Elem ke, ve;
    };
    for (Case c :
         {Case{0, 22, false, Elem::BF16, Elem::BF16}, Case{0, 22, true, Elem::F32, Elem::F16},
          Case{0, 6, false, Elem::F16, Elem::F32}, Case{8, 14, true, Elem::BF16, Elem::F32}}) {
      Rng rng(131);
      const int64_t T = 3, Hq = 4, Hk = 2, D = 22, Dv = 22, P = 50, blocks = 4, bs = 3;
      const int64_t half = c.rot / 2;
      Floats cs(static_cast<size_t>(P * half)), sn(static_cast<size_t>(P * half));
      for (int64_t p = 0; p < P; ++p)
        for (int64_t i = 0; i < half; ++i) {
          const double a = p * std::pow(10000.0, -2.0 * i / c.rot);
          cs[p * half + i] = static_cast<float>(std::cos(a));
          sn[p * half + i] = static_cast<float>(std::sin(a));
        }
      auto q = rng.uniform(T * Hq * D), k = rng.uniform(T * Hk * D), v = rng.uniform(T * Hk * Dv);
      const Ints pos{0, 4, 8};  // logical blocks 0, 1, 2 -> pool blocks 2, 0, 3
      const Ints table{2, 0, 3};
      Tensor kp = be.alloc(c.ke, {blocks, bs, Hk, D}), vp = be.alloc(c.ve, {blocks, bs, Hk, Dv});
      const KvBlocks kv{kp, vp, upload_i32(be, {3}, table), bs, 0};
      const RopeApplyParams rp{D, c.offset, c.rot, c.inter};
      Tensor qt = upload_f32(be, {T, Hq, D}, q), kt = upload_f32(be, {T, Hk, D}, k);
      be.rope_kv_store(be.default_stream(), qt, kt, upload_f32(be, {T, Hk, Dv}, v),
                       upload_i32(be, {T}, pos), upload_f32(be, {P, half}, cs),
                       upload_f32(be, {P, half}, sn), rp, kv);
      BOOST_TEST_CONTEXT("offset " << c.offset << " rot " << c.rot << " interleaved " << c.inter
                                   << " k " << to_string(c.ke) << " v " << to_string(c.ve)) {
        ARCHSCOPE_CHECK_WITHIN(fetch(be, qt), ref_rope(q, pos, cs, sn, Hq, rp));
        ARCHSCOPE_CHECK_WITHIN(fetch(be, kt), ref_rope(k, pos, cs, sn, Hk, rp));
        const Floats kr = fetch<float>(be, kt), kb = pool_values(be, c.ke, kp),
                     vb = pool_values(be, c.ve, vp);
        for (int64_t t = 0; t < T; ++t) {
          const int64_t slot = table[pos[t] / bs] * bs + pos[t] % bs;
          for (int64_t i = 0; i < Hk * D; ++i)
            BOOST_TEST(kb[slot * Hk * D + i] == stored_as(c.ke, kr[t * Hk * D + i]),
                       "k t " << t << " i " << i);
          for (int64_t i = 0; i < Hk * Dv; ++i)
            BOOST_TEST(vb[slot * Hk * Dv + i] == stored_as(c.ve, v[t * Hk * Dv + i]),
                       "v t " << t << " i " << i);
        }
      }
    }
  });
}

BOOST_AUTO_TEST_SUITE_END()
