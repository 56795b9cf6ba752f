// fp8-e4m3-block128 as the CPU holds it (quant/pack_block128.hpp): K one-byte OCP E4M3 codes per
// row plus, per row, the scale of each 128 x 128 block of [N, K] its 128-column chunks lie in.
// The scales are checked against the format's definition worked out here (absmax of the block /
// 448, one fp32 division), unpack(pack(w)) against fake_quantize(w) bit for bit (±0 aside) on
// shapes with partial blocks on both edges, and rows cut and gathered after the scales were taken
// (how the loader splits q / gate, in_proj_qkvz, kv_a) against the same rows of fake_quantize of
// the whole tensor: the cut never moves a row out of its original block.
#define BOOST_TEST_DYN_LINK
#include <bit>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "common/error.hpp"
#include "quant/formats.hpp"
#include "quant/pack_block128.hpp"

using namespace archscope;
using namespace archscope::quant;

namespace {

uint32_t bits(float v) {
  return std::bit_cast<uint32_t>(v + 0.0f);
}  // -0 read as +0

std::vector<float> random_w(int64_t N, int64_t K, uint32_t seed) {
  std::mt19937 g(seed);
  std::normal_distribution<float> d(0.0f, 0.05f);
  std::vector<float> w(static_cast<size_t>(N * K));
  for (float& v : w) v = d(g);
  // One large weight per block row so that the blocks' scales differ widely.
  for (int64_t r = 0; r < N; r += 128) w[static_cast<size_t>(r * K)] = 3.0f + static_cast<float>(r);
  return w;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(quant_pack_block128)

BOOST_AUTO_TEST_CASE(row_scales_are_the_blocks_absmax_over_448) {
  for (auto [N, K] : {std::pair<int64_t, int64_t>{1, 1}, {130, 129}, {300, 260}, {128, 384}}) {
    const std::vector<float> w = random_w(N, K, static_cast<uint32_t>(N + K));
    const std::vector<float> s = block128_row_scales(w, N, K);
    const int64_t nb = (K + 127) / 128;
    BOOST_REQUIRE_EQUAL(block128_scales_per_row(K), nb);
    BOOST_REQUIRE_EQUAL(s.size(), static_cast<size_t>(N * nb));
    size_t bad = 0;
    for (int64_t r = 0; r < N; ++r)
      for (int64_t b = 0; b < nb; ++b) {
        float a = 0.0f;  // the absmax of the whole 128 x 128 block row r lies in
        for (int64_t rr = r / 128 * 128; rr < std::min(N, r / 128 * 128 + 128); ++rr)
          for (int64_t c = b * 128; c < std::min(K, b * 128 + 128); ++c)
            a = std::max(a, std::fabs(w[static_cast<size_t>(rr * K + c)]));
        bad += bits(s[static_cast<size_t>(r * nb + b)]) != bits(a / 448.0f);
      }
    BOOST_TEST(bad == 0u, "[" << N << ", " << K << "]");
  }
}

BOOST_AUTO_TEST_CASE(unpack_of_pack_is_fake_quantize) {
  for (auto [N, K] :
       {std::pair<int64_t, int64_t>{1, 1}, {3, 77}, {130, 129}, {300, 260}, {257, 512}}) {
    const std::vector<float> w = random_w(N, K, static_cast<uint32_t>(7 * N + K));
    const std::vector<float> s = block128_row_scales(w, N, K);
    std::vector<uint8_t> codes(w.size());
    pack_block128_rows(w, s, N, K, codes);
    std::vector<float> back(w.size());
    unpack_block128_rows(codes, s, N, K, back);
    const std::vector<float> want = fake_quantize(Format::Fp8E4M3Block128, w, N, K);
    size_t bad = 0;
    for (size_t i = 0; i < w.size(); ++i) bad += bits(back[i]) != bits(want[i]);
    BOOST_TEST(bad == 0u, "[" << N << ", " << K << "]");
  }
  // An all-zero block packs to code 0 with scale 0.
  const std::vector<float> z(static_cast<size_t>(2 * 5), 0.0f);
  const std::vector<float> s = block128_row_scales(z, 2, 5);
  std::vector<uint8_t> codes(z.size(), 0xFF);
  pack_block128_rows(z, s, 2, 5, codes);
  for (uint8_t c : codes) BOOST_TEST(c == 0);
}

BOOST_AUTO_TEST_CASE(gathered_rows_keep_their_original_blocks) {
  const int64_t N = 300, K = 200;
  const std::vector<float> w = random_w(N, K, 99);
  const std::vector<float> s = block128_row_scales(w, N, K);
  const std::vector<float> whole = fake_quantize(Format::Fp8E4M3Block128, w, N, K);
  const int64_t nb = block128_scales_per_row(K);
  // Rows 100..139 then 250..299 then 0..9: spans three blocks, none aligned.
  std::vector<float> rows, scales, want;
  for (auto [r0, n] : {std::pair<int64_t, int64_t>{100, 40}, {250, 50}, {0, 10}}) {
    rows.insert(rows.end(), w.begin() + r0 * K, w.begin() + (r0 + n) * K);
    scales.insert(scales.end(), s.begin() + r0 * nb, s.begin() + (r0 + n) * nb);
    want.insert(want.end(), whole.begin() + r0 * K, whole.begin() + (r0 + n) * K);
  }
  const int64_t M = 100;
  std::vector<uint8_t> codes(static_cast<size_t>(M * K));
  pack_block128_rows(rows, scales, M, K, codes);
  std::vector<float> back(codes.size());
  unpack_block128_rows(codes, scales, M, K, back);
  size_t bad = 0;
  for (size_t i = 0; i < back.size(); ++i) bad += bits(back[i]) != bits(want[i]);
  BOOST_TEST(bad == 0u);
  // Packing the cut rows as a tensor of their own (its own blocks) would differ: the test can fail.
  const std::vector<float> own = fake_quantize(Format::Fp8E4M3Block128, rows, M, K);
  size_t differ = 0;
  for (size_t i = 0; i < own.size(); ++i) differ += bits(own[i]) != bits(want[i]);
  BOOST_TEST(differ > 0u);
}

BOOST_AUTO_TEST_CASE(sizes_and_non_finite_weights_are_refused) {
  const std::vector<float> w(12, 0.5f);
  BOOST_CHECK_THROW(block128_row_scales(w, 5, 3), Error);
  std::vector<float> bad = w;
  bad[4] = std::nanf("");
  BOOST_CHECK_THROW(block128_row_scales(bad, 3, 4), Error);
  std::vector<uint8_t> codes(11);
  const std::vector<float> s = block128_row_scales(w, 3, 4);
  BOOST_CHECK_THROW(pack_block128_rows(w, s, 3, 4, codes), Error);
}

BOOST_AUTO_TEST_SUITE_END()
