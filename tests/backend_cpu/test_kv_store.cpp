#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_cpu_kv_store)

BOOST_AUTO_TEST_CASE(writes_through_the_block_table) {
  CpuBackend be(2);
  Rng rng(101);
  const int64_t blocks = 4, bs = 3, Hkv = 2, Dk = 5, Dv = 3, T = 4;
  Tensor k = be.alloc(Elem::BF16, {blocks, bs, Hkv, Dk}), v = be.alloc(Elem::F32, {blocks, bs, Hkv, Dv});
  const KvBlocks kv{k, v, upload_i32(be, {3}, {2, 0, 3}), bs, 0};
  auto kn = rng.uniform(T * Hkv * Dk), vn = rng.uniform(T * Hkv * Dv);
  std::vector<int32_t> pos{0, 2, 4, 8};  // logical blocks 0, 0, 1, 2 -> pool blocks 2, 2, 0, 3
  be.kv_store(be.default_stream(), upload_f32(be, {T, Hkv, Dk}, kn), upload_f32(be, {T, Hkv, Dv}, vn),
              upload_i32(be, {T}, pos), kv);
  auto kb = fetch<uint16_t>(be, k);
  auto vb = fetch<float>(be, v);
  const int32_t table[] = {2, 0, 3};
  for (int64_t t = 0; t < T; ++t) {
    const int64_t slot = table[pos[t] / bs] * bs + pos[t] % bs;
    for (int64_t i = 0; i < Hkv * Dk; ++i) BOOST_TEST(kb[slot * Hkv * Dk + i] == cpu::f32_to_bf16(kn[t * Hkv * Dk + i]));
    for (int64_t i = 0; i < Hkv * Dv; ++i) BOOST_TEST(vb[slot * Hkv * Dv + i] == vn[t * Hkv * Dv + i]);
  }
  // Position 9 is beyond the 3-block table; a table entry outside the pool is refused.
  BOOST_CHECK_THROW(be.kv_store(be.default_stream(), upload_f32(be, {1, Hkv, Dk}, std::vector<float>(Hkv * Dk)),
                                upload_f32(be, {1, Hkv, Dv}, std::vector<float>(Hkv * Dv)), upload_i32(be, {1}, {9}), kv), Error);
  const KvBlocks bad{k, v, upload_i32(be, {1}, {4}), bs, 0};
  BOOST_CHECK_THROW(be.kv_store(be.default_stream(), upload_f32(be, {1, Hkv, Dk}, std::vector<float>(Hkv * Dk)),
                                upload_f32(be, {1, Hkv, Dv}, std::vector<float>(Hkv * Dv)), upload_i32(be, {1}, {0}), bad), Error);
}

BOOST_AUTO_TEST_SUITE_END()
