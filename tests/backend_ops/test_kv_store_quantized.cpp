// kv_store into int8 / fp8 pools on every backend: each stored vector's codes and fp32 scale bit
// for bit against the float64 reference of the format (quant/kv_row_reference.hpp), at the slots
// a never-identity block table names; MLA rows (one aliased pool, [latent | rope] scale groups);
// the slots the positions do not name keep what they held.
#include <cmath>
#include <cstring>

#include "conformance.hpp"
#include "quant/kv_row_reference.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

struct StoreCase {
  int64_t T, Hkv, Dk, Dv, block_size;
  int64_t split;  // > 0: one aliased pool (Dv == Dk, v = k) with two scale groups split here
};

uint32_t float_bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

void run(Backend& be, const StoreCase& c, Elem e, uint64_t seed) {
  const bool mla = c.split > 0;
  const KvCode code = e == Elem::INT8 ? KvCode::Int8 : KvCode::Fp8;
  Rng rng(seed);
  const int64_t blocks = 5, groups = mla ? 2 : 1;
  // Magnitudes from 1e-15 to 1e5 across the vectors, a zero vector, an outlier per vector.
  auto values = [&](int64_t n, int64_t dim) {
    Floats x = rng.uniform(n * dim, -1, 1);
    for (int64_t r = 0; r < n; ++r) {
      const float mag = std::pow(10.0f, static_cast<float>(static_cast<int>(r % 9) * 5 - 30) / 2);
      for (int64_t d = 0; d < dim; ++d) x[r * dim + d] *= r == 3 ? 0.0f : mag;
      x[r * dim + (r % dim)] *= 17.0f;
      if (mla)
        for (int64_t d = c.split; d < dim; ++d) x[r * dim + d] *= 9.0f;
    }
    return x;
  };
  const Floats kn = values(c.T * c.Hkv, c.Dk), vn = mla ? kn : values(c.T * c.Hkv, c.Dv);
  KvBlocks kv;
  kv.k = be.alloc(e, {blocks, c.block_size, c.Hkv, c.Dk});
  kv.v = mla ? kv.k : be.alloc(e, {blocks, c.block_size, c.Hkv, c.Dv});
  kv.k_scale = be.alloc(Elem::F32, {blocks, c.block_size, c.Hkv, groups});
  kv.v_scale = mla ? kv.k_scale : be.alloc(Elem::F32, {blocks, c.block_size, c.Hkv, groups});
  kv.scale_split = c.split;
  kv.block_size = c.block_size;
  // Sentinels where nothing is stored: codes 0x5A, scales -7.
  const std::vector<uint8_t> fill_codes(static_cast<size_t>(kv.k.numel()), 0x5A);
  be.upload(be.default_stream(), fill_codes.data(), kv.k);
  if (!mla) {
    const std::vector<uint8_t> fv(static_cast<size_t>(kv.v.numel()), 0x5A);
    be.upload(be.default_stream(), fv.data(), kv.v);
  }
  const Floats fill_scales(static_cast<size_t>(kv.k_scale.numel()), -7.0f);
  be.upload(be.default_stream(), fill_scales.data(), kv.k_scale);
  if (!mla) be.upload(be.default_stream(), fill_scales.data(), kv.v_scale);
  const Ints table{3, 0, 4, 1};
  kv.block_table = upload_i32(be, {4}, table);
  Ints pos(static_cast<size_t>(c.T));
  // Odd positions (distinct: T <= 2 * block_size), some in each of the first logical blocks.
  for (int64_t t = 0; t < c.T; ++t) pos[t] = static_cast<int32_t>((2 * t + 1) % (4 * c.block_size));
  const Tensor kt = upload_f32(be, {c.T, c.Hkv, c.Dk}, kn);
  const Tensor vt = mla ? kt : upload_f32(be, {c.T, c.Hkv, c.Dv}, vn);
  be.kv_store(be.default_stream(), kt, vt, upload_i32(be, {c.T}, pos), kv);
  const auto kq = fetch<uint8_t>(be, kv.k), vq = fetch<uint8_t>(be, kv.v);
  const Floats ks = fetch(be, kv.k_scale), vs = fetch(be, kv.v_scale);

  std::vector<bool> written(static_cast<size_t>(blocks * c.block_size), false);
  size_t bad_codes = 0, bad_scales = 0;
  auto check = [&](const Floats& x, const std::vector<uint8_t>& q, const Floats& sc, int64_t dim,
                   int64_t t, int64_t slot) {
    for (int64_t h = 0; h < c.Hkv; ++h) {
      const float* row = x.data() + (t * c.Hkv + h) * dim;
      const int64_t bounds[3] = {0, mla ? c.split : dim, dim};
      for (int64_t g = 0; g < groups; ++g) {
        const RefRow ref =
            reference(code, std::vector<float>(row + bounds[g], row + bounds[g + 1]));
        if (float_bits(sc[(slot * c.Hkv + h) * groups + g]) != float_bits(ref.scale)) ++bad_scales;
        for (int64_t d = bounds[g]; d < bounds[g + 1]; ++d)
          if (q[(slot * c.Hkv + h) * dim + d] != ref.codes[d - bounds[g]]) ++bad_codes;
      }
    }
  };
  for (int64_t t = 0; t < c.T; ++t) {
    const int64_t slot = table[pos[t] / c.block_size] * c.block_size + pos[t] % c.block_size;
    written[slot] = true;
    check(kn, kq, ks, c.Dk, t, slot);
    check(vn, vq, vs, c.Dv, t, slot);
  }
  size_t touched = 0;
  for (int64_t slot = 0; slot < blocks * c.block_size; ++slot) {
    if (written[slot]) continue;
    for (int64_t i = 0; i < c.Hkv * c.Dk; ++i) touched += kq[slot * c.Hkv * c.Dk + i] != 0x5A;
    for (int64_t i = 0; i < c.Hkv * c.Dv; ++i) touched += vq[slot * c.Hkv * c.Dv + i] != 0x5A;
    for (int64_t i = 0; i < c.Hkv * groups; ++i)
      touched +=
          (ks[slot * c.Hkv * groups + i] != -7.0f) + (vs[slot * c.Hkv * groups + i] != -7.0f);
  }
  BOOST_TEST_CONTEXT(to_string(e) << " T=" << c.T << " Hkv=" << c.Hkv << " Dk=" << c.Dk
                                  << " Dv=" << c.Dv << (mla ? " (MLA rows)" : "")) {
    BOOST_TEST(bad_codes == 0u);
    BOOST_TEST(bad_scales == 0u);
    BOOST_TEST(touched == 0u);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_ops_kv_store_quantized)

BOOST_AUTO_TEST_CASE(codes_and_scales_match_the_format_definition) {
  for_each_backend([](Backend& be) {
    for (Elem e : {Elem::INT8, Elem::FP8}) {
      run(be, {11, 2, 19, 7, 8, 0}, e, 1);      // odd dims, k and v apart
      run(be, {9, 4, 64, 64, 8, 0}, e, 2);      // llama-like heads
      run(be, {3, 1, 300, 45, 16, 0}, e, 3);    // long vectors (several passes of a warp)
      run(be, {6, 1, 576, 576, 8, 512}, e, 4);  // DeepSeek-V3's [latent 512 | rope 64] row
      run(be, {5, 1, 40, 40, 4, 32}, e, 5);     // a small MLA row
    }
  });
}

BOOST_AUTO_TEST_SUITE_END()
