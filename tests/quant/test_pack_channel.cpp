// The per-row scaled layouts (quant/pack_channel.hpp; /work/notes/packed_layouts.md: K one-byte
// codes per row plus one fp32 scale per row): unpack(pack(w)) equals fake_quantize(w) bit for bit
// (up to the sign of a zero) on random and edge rows, and hand-computed codes pin the encoding
// (int8 two's complement; OCP E4M3 bits S.EEEE.MMM, 448 = 0x7E).
#define BOOST_TEST_DYN_LINK
#include <bit>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "common/error.hpp"
#include "quant/formats.hpp"
#include "quant/pack_channel.hpp"

using namespace archscope;
using namespace archscope::quant;

namespace {

const Format kChannel[] = {Format::Int8Channel, Format::Fp8E4M3Channel};

uint32_t bits(float v) {
  return std::bit_cast<uint32_t>(v + 0.0f);  // -0 read as +0
}

void check_round_trip(Format f, const std::vector<float>& w, int64_t N, int64_t K) {
  std::vector<uint8_t> codes(static_cast<size_t>(N * K));
  std::vector<float> scales(static_cast<size_t>(N));
  pack_channel_rows(f, w, N, K, codes, scales);
  std::vector<float> back(w.size());
  unpack_channel_rows(f, codes, scales, N, K, back);
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

BOOST_AUTO_TEST_SUITE(quant_pack_channel)

BOOST_AUTO_TEST_CASE(random_rows_equal_fake_quantize) {
  for (Format f : kChannel) {
    BOOST_TEST(has_row_scales(f));
    for (auto [N, K] : {std::pair<int64_t, int64_t>{1, 1}, {3, 31}, {5, 129}, {7, 300}, {2, 4097}})
      check_round_trip(f, random_weights(N * K, static_cast<uint64_t>(N * 7919 + K), 0.02f), N, K);
  }
  BOOST_TEST(!has_row_scales(Format::Q8_0));
  BOOST_TEST(!has_row_scales(Format::Fp8E4M3Block128));
}

BOOST_AUTO_TEST_CASE(edge_rows) {
  for (Format f : kChannel) {
    const int64_t K = 130;
    check_round_trip(f, std::vector<float>(2 * K, 0.0f), 2, K);
    check_round_trip(f, std::vector<float>(K, -0.0f), 1, K);
    // Ties of the int8 step (absmax 127 -> s = 1) and a row of equal values.
    std::vector<float> ties(K);
    for (int64_t i = 0; i < K; ++i)
      ties[i] = i == 0 ? 127.0f : 0.5f * static_cast<float>(i % 41) - 10.0f;
    check_round_trip(f, ties, 1, K);
    check_round_trip(f, std::vector<float>(K, -0.75f), 1, K);
    std::vector<float> outlier = random_weights(K, 9, 1e-3f);
    outlier[77] = 3.0f;
    check_round_trip(f, outlier, 1, K);
    check_round_trip(f, random_weights(K, 10, 1e-30f), 1, K);  // subnormal scales
    check_round_trip(f, random_weights(K, 11, 1e4f), 1, K);
    // Rows of very different magnitude: each keeps its own scale.
    std::vector<float> rows = random_weights(3 * K, 12, 1.0f);
    for (int64_t k = 0; k < K; ++k) rows[K + k] *= 1e-6f;
    check_round_trip(f, rows, 3, K);
  }
}

BOOST_AUTO_TEST_CASE(codes_by_hand) {
  // int8-channel: absmax 254 -> s = 2; -254 -> -127 (0x81), 3 -> round(1.5) = 2 (half to even).
  std::vector<float> w = {254.0f, -254.0f, 3.0f, 5.0f};
  std::vector<uint8_t> c(4);
  std::vector<float> s(1);
  pack_channel_rows(Format::Int8Channel, w, 1, 4, c, s);
  BOOST_TEST(s[0] == 2.0f);
  BOOST_TEST(c[0] == 0x7F);
  BOOST_TEST(c[1] == 0x81);
  BOOST_TEST(c[2] == 2);
  BOOST_TEST(c[3] == 2);  // 2.5 -> 2
  // fp8-e4m3-channel: absmax 448 -> s = 1; 448 = 0x7E, -1 = 0xB8, 0.5 = 0x30, 2^-9 = 0x01.
  std::vector<float> e = {448.0f, -1.0f, 0.5f, 0x1p-9f};
  pack_channel_rows(Format::Fp8E4M3Channel, e, 1, 4, c, s);
  BOOST_TEST(s[0] == 1.0f);
  BOOST_TEST(c[0] == 0x7E);
  BOOST_TEST(c[1] == 0xB8);
  BOOST_TEST(c[2] == 0x30);
  BOOST_TEST(c[3] == 0x01);
}

BOOST_AUTO_TEST_CASE(refusals) {
  std::vector<float> w(8, 1.0f);
  std::vector<uint8_t> c(8);
  std::vector<float> s(1);
  w[3] = NAN;
  BOOST_CHECK_THROW(pack_channel_rows(Format::Int8Channel, w, 1, 8, c, s), Error);
  w[3] = 1.0f;
  std::vector<float> s2(2);
  BOOST_CHECK_THROW(pack_channel_rows(Format::Int8Channel, w, 1, 8, c, s2), Error);
  BOOST_CHECK_THROW(pack_channel_rows(Format::Q8_0, w, 1, 8, c, s), Error);
}

BOOST_AUTO_TEST_SUITE_END()
