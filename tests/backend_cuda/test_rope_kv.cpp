// rope (halves and interleaved pairs, partial spans at an offset) against float64, and kv_store
// (every pool type, paged) against the CPU backend's rounding: the stored bits must be equal.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <numeric>

#include "common/error.hpp"
#include "cuda_helpers.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(cuda_rope_kv)

BOOST_AUTO_TEST_CASE(rope_variants) {
  Stream& s = gpu().default_stream();
  struct V {
    int64_t head_dim, rot_offset, rot_dim;
    bool interleaved;
  };
  for (const V& c : {V{64, 0, 64, false}, V{64, 0, 64, true}, V{192, 128, 64, true},
                     V{128, 0, 32, false}, V{10, 2, 6, false}}) {
    const int64_t T = 7, H = 3, P = 50, half = c.rot_dim / 2;
    Rng r(static_cast<uint64_t>(c.head_dim + c.rot_offset));
    std::vector<float> x = r.uniform(static_cast<size_t>(T * H * c.head_dim), -3, 3);
    std::vector<float> cs = r.uniform(static_cast<size_t>(P * half)),
                       sn = r.uniform(static_cast<size_t>(P * half));
    std::vector<int32_t> pos = {0, 49, 3, 3, 17, 8, 22};
    Tensor tx = put_f32(gpu(), {T, H, c.head_dim}, x);
    RopeApplyParams p;
    p.head_dim = c.head_dim;
    p.rot_offset = c.rot_offset;
    p.rot_dim = c.rot_dim;
    p.interleaved = c.interleaved;
    gpu().rope(s, tx, put_i32(gpu(), {T}, pos), put_f32(gpu(), {P, half}, cs),
               put_f32(gpu(), {P, half}, sn), p);
    std::vector<double> want(x.begin(), x.end()), bound(x.size(), 1e-30);
    for (int64_t t = 0; t < T; ++t)
      for (int64_t h = 0; h < H; ++h) {
        const int64_t base = (t * H + h) * c.head_dim + c.rot_offset;
        for (int64_t i = 0; i < half; ++i) {
          const int64_t ia = base + (c.interleaved ? 2 * i : i),
                        ib = base + (c.interleaved ? 2 * i + 1 : i + half);
          const double co = cs[static_cast<size_t>(pos[static_cast<size_t>(t)] * half + i)];
          const double si = sn[static_cast<size_t>(pos[static_cast<size_t>(t)] * half + i)];
          const double x1 = x[static_cast<size_t>(ia)], x2 = x[static_cast<size_t>(ib)];
          want[static_cast<size_t>(ia)] = x1 * co - x2 * si;
          want[static_cast<size_t>(ib)] = x2 * co + x1 * si;
          bound[static_cast<size_t>(ia)] = 3 * kU32 * (std::fabs(x1 * co) + std::fabs(x2 * si));
          bound[static_cast<size_t>(ib)] = 3 * kU32 * (std::fabs(x2 * co) + std::fabs(x1 * si));
        }
      }
    ARCHSCOPE_CHECK_BOUND(
        get(gpu(), tx), want, bound,
        "rope head_dim " << c.head_dim << " rot " << c.rot_offset << "+" << c.rot_dim);
  }
}

BOOST_AUTO_TEST_CASE(kv_store_matches_cpu_bits) {
  for (Elem e : {Elem::F32, Elem::BF16, Elem::F16}) {
    const int64_t blocks = 6, bs = 4, Hkv = 2, Dk = 12, Dv = 5, T = 9;
    Rng r(static_cast<uint64_t>(e) + 40);
    std::vector<float> kn = r.uniform(static_cast<size_t>(T * Hkv * Dk), -70000, 70000),
                       vn = r.uniform(static_cast<size_t>(T * Hkv * Dv));
    std::vector<int32_t> table = {4, 0, 5}, pos = {0, 1, 2, 3, 4, 5, 9, 10, 11};
    std::vector<uint16_t> zero16(static_cast<size_t>(blocks * bs * Hkv * std::max(Dk, Dv)), 0);
    std::vector<float> zero32(zero16.size(), 0.0f);
    auto run = [&](Backend& be) {
      KvBlocks kv;
      kv.k = be.alloc(e, {blocks, bs, Hkv, Dk});
      kv.v = be.alloc(e, {blocks, bs, Hkv, Dv});
      be.upload(be.default_stream(),
                e == Elem::F32 ? static_cast<const void*>(zero32.data()) : zero16.data(), kv.k);
      be.upload(be.default_stream(),
                e == Elem::F32 ? static_cast<const void*>(zero32.data()) : zero16.data(), kv.v);
      kv.block_table = put_i32(be, {3}, table);
      kv.block_size = bs;
      kv.length = 12;
      be.kv_store(be.default_stream(), put_f32(be, {T, Hkv, Dk}, kn), put_f32(be, {T, Hkv, Dv}, vn),
                  put_i32(be, {T}, pos), kv);
      std::vector<uint8_t> kb(kv.k.bytes()), vb(kv.v.bytes());
      be.download(be.default_stream(), kv.k, kb.data());
      be.download(be.default_stream(), kv.v, vb.data());
      be.synchronize(be.default_stream());
      kb.insert(kb.end(), vb.begin(), vb.end());
      return kb;
    };
    BOOST_TEST(run(gpu()) == run(host()), "kv_store " << name(e));
  }
}

BOOST_AUTO_TEST_CASE(kv_store_beyond_the_table_is_reported) {
  KvBlocks kv;
  kv.k = gpu().alloc(Elem::BF16, {2, 4, 1, 8});
  kv.v = gpu().alloc(Elem::BF16, {2, 4, 1, 8});
  kv.block_table = put_i32(gpu(), {2}, {0, 1});
  kv.block_size = 4;
  kv.length = 8;
  std::vector<float> x(8, 1.0f);
  gpu().kv_store(gpu().default_stream(), put_f32(gpu(), {1, 1, 8}, x), put_f32(gpu(), {1, 1, 8}, x),
                 put_i32(gpu(), {1}, {8}), kv);
  BOOST_CHECK_THROW(gpu().synchronize(gpu().default_stream()), Error);
}

BOOST_AUTO_TEST_SUITE_END()
