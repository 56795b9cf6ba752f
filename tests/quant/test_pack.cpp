// The packed block layouts (quant/packed_layout.hpp, the contract of /work/notes/packed_layouts.md):
// unpack(pack(w)) equals fake_quantize(w) bit for bit on random and edge inputs (partial last
// blocks, all-zero blocks, rounding ties, a single outlier), byte sizes by the contract's table,
// and hand-written blocks that pin the byte order (fp16 scale first, little-endian; q4_0 low
// nibbles = elements 0..15; mxfp4 low nibble = even element).
#define BOOST_TEST_DYN_LINK
#include <bit>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "common/error.hpp"
#include "quant/formats.hpp"
#include "quant/pack.hpp"

using namespace archscope;
using namespace archscope::quant;

namespace {

const Format kPacked[] = {Format::Q8_0, Format::Q4_0, Format::Int4G128, Format::Nf4, Format::Mxfp4};

// Bits of v with -0 read as +0 (the one difference pack.hpp allows).
uint32_t bits(float v) {
  return std::bit_cast<uint32_t>(v + 0.0f);
}

void check_round_trip(Format f, const std::vector<float>& w, int64_t N, int64_t K) {
  std::vector<uint8_t> packed(packed_bytes(f, N, K));
  pack_rows(f, w, N, K, packed);
  std::vector<float> back(w.size());
  unpack_rows(f, packed, N, K, back);
  const std::vector<float> want = fake_quantize(f, w, N, K);
  size_t bad = 0, first = 0;
  for (size_t i = 0; i < w.size(); ++i)
    if (bits(back[i]) != bits(want[i]) && bad++ == 0) first = i;
  BOOST_TEST_CONTEXT(to_string(f) << " [" << N << ", " << K << "]") {
    BOOST_CHECK_MESSAGE(bad == 0, bad << " values differ, first at " << first << ": "
                                      << (bad ? back[first] : 0.0f) << " vs "
                                      << (bad ? want[first] : 0.0f));
  }
}

std::vector<float> random_weights(int64_t n, uint64_t seed, float scale) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0.0f, scale);
  std::vector<float> w(static_cast<size_t>(n));
  for (float& v : w) v = g(rng);
  return w;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(quant_pack)

BOOST_AUTO_TEST_CASE(sizes_follow_the_contract) {
  BOOST_TEST(packed_row_bytes(Format::Q8_0, 64) == 68u);
  BOOST_TEST(packed_row_bytes(Format::Q8_0, 33) == 68u);  // a partial block is a whole block
  BOOST_TEST(packed_row_bytes(Format::Q4_0, 32) == 18u);
  BOOST_TEST(packed_row_bytes(Format::Int4G128, 129) == 136u);
  BOOST_TEST(packed_row_bytes(Format::Nf4, 64) == 36u);
  BOOST_TEST(packed_row_bytes(Format::Mxfp4, 31) == 17u);
  BOOST_TEST(packed_bytes(Format::Q4_0, 3, 65) == 3u * 3u * 18u);
  for (Format f : kPacked) {
    BOOST_TEST(has_packed_blocks(f));
    // The packed bytes are formats.cpp's storage bits for whole blocks, except int4-g128, whose
    // block stores its 4-bit zero point in a byte plus a pad byte (68 bytes, not 66.5).
    if (f != Format::Int4G128)
      BOOST_TEST(packed_bytes(f, 5, 256) * 8 == storage_bits(f, 5, 256), to_string(f));
  }
  BOOST_TEST(packed_bytes(Format::Int4G128, 5, 256) * 8 == storage_bits(Format::Int4G128, 5, 256) + 5 * 2 * 12);
  BOOST_TEST(!has_packed_blocks(Format::Int8Channel));
  BOOST_CHECK_THROW(packed_row_bytes(Format::Fp8E4M3Block128, 8), Error);
}

BOOST_AUTO_TEST_CASE(random_matrices_with_partial_blocks) {
  for (Format f : kPacked)
    for (auto [N, K] : {std::pair<int64_t, int64_t>{1, 1}, {3, 31}, {2, 32}, {5, 33}, {4, 95},
                        {3, 128}, {2, 129}, {7, 300}, {1, 1000}})
      check_round_trip(f, random_weights(N * K, static_cast<uint64_t>(N * 1000 + K), 0.02f), N, K);
}

BOOST_AUTO_TEST_CASE(edge_blocks) {
  for (Format f : kPacked) {
    const int64_t K = 130;  // whole blocks of every format plus a partial one
    std::vector<float> zeros(2 * K, 0.0f);
    check_round_trip(f, zeros, 2, K);
    std::vector<float> neg_zero(K, -0.0f);
    check_round_trip(f, neg_zero, 1, K);
    // Rounding ties: multiples of half a step of q8_0 (max 127) and of q4_0 (max -8 -> d = 1).
    std::vector<float> ties(K);
    for (int64_t i = 0; i < K; ++i) ties[i] = (i % 32 == 0) ? 127.0f : 0.5f * static_cast<float>(i % 17) - 4.0f;
    check_round_trip(f, ties, 1, K);
    std::vector<float> q4_ties(K);
    for (int64_t i = 0; i < K; ++i) q4_ties[i] = (i % 32 == 0) ? -8.0f : 0.5f * static_cast<float>(i % 15) - 3.5f;
    check_round_trip(f, q4_ties, 1, K);
    // One outlier per block: everything else rounds to few codes.
    std::vector<float> outlier = random_weights(K, 9, 1e-3f);
    for (int64_t i = 0; i < K; i += 37) outlier[i] = 3.0f;
    check_round_trip(f, outlier, 1, K);
    // The largest |w| negative, all equal, tiny and huge magnitudes.
    std::vector<float> same(K, -0.75f), tiny = random_weights(K, 10, 1e-30f), huge = random_weights(K, 11, 1e4f);
    check_round_trip(f, same, 1, K);
    check_round_trip(f, tiny, 1, K);
    check_round_trip(f, huge, 1, K);
  }
}

BOOST_AUTO_TEST_CASE(byte_order_by_hand) {
  // q8_0: [1, 2, ..., 32] -> d = 32/127, fp16 bits first, then roundf(i * 127 / 32).
  std::vector<float> w(32);
  for (int i = 0; i < 32; ++i) w[i] = static_cast<float>(i + 1);
  std::vector<uint8_t> p(34);
  pack_rows(Format::Q8_0, w, 1, 32, p);
  const _Float16 d = static_cast<_Float16>(32.0f / 127.0f);
  uint16_t db;
  std::memcpy(&db, &d, 2);
  BOOST_TEST(p[0] == (db & 0xFF));
  BOOST_TEST(p[1] == (db >> 8));
  BOOST_TEST(static_cast<int8_t>(p[2 + 31]) == 127);
  BOOST_TEST(static_cast<int8_t>(p[2 + 0]) == 4);  // roundf(127 / 32 = 3.97)
  // q4_0: w[0] = -8 (the max) -> d = 1, q = w + 8; element 16 lands in the high nibble of byte 0.
  std::vector<float> v(32, 0.0f);
  v[0] = -8.0f;
  v[16] = 3.0f;
  v[1] = 7.0f;
  std::vector<uint8_t> q(18);
  pack_rows(Format::Q4_0, v, 1, 32, q);
  BOOST_TEST(q[0] == 0x00);  // fp16 1.0 = 0x3C00, little-endian
  BOOST_TEST(q[1] == 0x3C);
  BOOST_TEST(q[2] == ((11 << 4) | 0));  // elements 0 (q 0) and 16 (q 11)
  BOOST_TEST(q[3] == ((8 << 4) | 15));  // elements 1 (q 15) and 17 (q 8: zero)
  // mxfp4: absmax 6 -> X = 2^(2 - 2) = 1, e8m0 127; element 0 = 6 (code 7) low, element 1 = -1
  // (code 0b1010) high.
  std::vector<float> m(32, 0.0f);
  m[0] = 6.0f;
  m[1] = -1.0f;
  std::vector<uint8_t> mp(17);
  pack_rows(Format::Mxfp4, m, 1, 32, mp);
  BOOST_TEST(mp[0] == 127);
  BOOST_TEST(mp[1] == ((0xA << 4) | 0x7));
}

BOOST_AUTO_TEST_CASE(refuses_what_no_code_holds) {
  std::vector<float> w(32, 1.0f);
  w[5] = NAN;
  std::vector<uint8_t> p(34);
  BOOST_CHECK_THROW(pack_rows(Format::Q8_0, w, 1, 32, p), Error);
  w[5] = INFINITY;
  BOOST_CHECK_THROW(pack_rows(Format::Q8_0, w, 1, 32, p), Error);
  std::vector<uint8_t> short_out(33);
  w[5] = 1.0f;
  BOOST_CHECK_THROW(pack_rows(Format::Q8_0, w, 1, 32, short_out), Error);
}

BOOST_AUTO_TEST_SUITE_END()
