#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_ops_kv_store)

// Every pool dtype: the stored bits equal round-to-nearest-even of the fp32 values (computed by
// host_tensors.hpp, not by the engine), at the slots the block table names.
BOOST_AUTO_TEST_CASE(writes_through_the_block_table_in_every_pool_dtype) {
  for_each_backend([](Backend& be) {
    for (Elem ke : {Elem::F32, Elem::BF16, Elem::F16})
      for (Elem ve : {Elem::F32, Elem::BF16, Elem::F16}) {
        Rng rng(101);
        const int64_t blocks = 4, bs = 3, Hkv = 2, Dk = 5, Dv = 3, T = 4;
        Tensor k = be.alloc(ke, {blocks, bs, Hkv, Dk}), v = be.alloc(ve, {blocks, bs, Hkv, Dv});
        const Ints table{2, 0, 3};
        const KvBlocks kv{k, v, upload_i32(be, {3}, table), bs, 0};
        auto kn = rng.uniform(T * Hkv * Dk, -70000, 70000),
             vn = rng.uniform(T * Hkv * Dv, -1e-5f, 1e-5f);
        const Ints pos{0, 2, 4, 8};  // logical blocks 0, 0, 1, 2 -> pool blocks 2, 2, 0, 3
        be.kv_store(be.default_stream(), upload_f32(be, {T, Hkv, Dk}, kn),
                    upload_f32(be, {T, Hkv, Dv}, vn), upload_i32(be, {T}, pos), kv);
        auto bits = [&](Elem e, const Tensor& t) {  // the pool as fp32 values of what it stores
          Floats out;
          if (e == Elem::F32) return fetch<float>(be, t);
          for (uint16_t b : fetch<uint16_t>(be, t))
            out.push_back(e == Elem::BF16 ? from_bf16(b) : from_f16(b));
          return out;
        };
        const Floats kb = bits(ke, k), vb = bits(ve, v);
        BOOST_TEST_CONTEXT("k " << to_string(ke) << " v " << to_string(ve)) {
          for (int64_t t = 0; t < T; ++t) {
            const int64_t slot = table[pos[t] / bs] * bs + pos[t] % bs;
            for (int64_t i = 0; i < Hkv * Dk; ++i)
              BOOST_TEST(kb[slot * Hkv * Dk + i] == stored_as(ke, kn[t * Hkv * Dk + i]));
            for (int64_t i = 0; i < Hkv * Dv; ++i)
              BOOST_TEST(vb[slot * Hkv * Dv + i] == stored_as(ve, vn[t * Hkv * Dv + i]));
          }
        }
      }
  });
}

BOOST_AUTO_TEST_SUITE_END()
