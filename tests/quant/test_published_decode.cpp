// The published-layout decoders (quant/published.hpp) on bytes written by hand. Values from the
// specs: OCP Microscaling Formats (MX) v1.0 table 5 (E2M1: 0 00 1 = 0.5, 0 01 0 = 1.0, 0 11 1 =
// 6.0, sign bit 3) and §5.4.1 (E8M0: 2^(e - 127), 0xFF NaN); OCP OFP8 v1.0 E4M3 (0 0111 000 =
// 1.0, 0 1111 110 = 448, 0 0000 001 = 2^-9, 1 1000 000 = -2.0, S.1111.111 NaN). Nibble order and
// the 127 bias: transformers integrations/mxfp4.py convert_moe_packed_tensors.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "common/error.hpp"
#include "quant/published.hpp"

using namespace archscope;
using namespace archscope::quant;

namespace {

bool validation_mentioning(const Error& e, const std::string& text) {
  return e.kind() == ErrorKind::Validation && std::string(e.what()).find(text) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(published_decode)

BOOST_AUTO_TEST_CASE(e8m0_is_a_power_of_two_biased_by_127) {
  BOOST_TEST(e8m0_decode(127) == 1.0f);
  BOOST_TEST(e8m0_decode(128) == 2.0f);
  BOOST_TEST(e8m0_decode(120) == 1.0f / 128.0f);
  BOOST_TEST(e8m0_decode(0) == std::ldexp(1.0f, -127));  // fp32 subnormal, exact
  BOOST_TEST(e8m0_decode(254) == std::ldexp(1.0f, 127));
  BOOST_TEST(std::isnan(e8m0_decode(255)));
}

BOOST_AUTO_TEST_CASE(mxfp4_block_low_nibble_first) {
  // One row of two blocks. Block 0, scale 128 (X = 2): byte 0 = 0x21 -> element 0 code 1 (0.5),
  // element 1 code 2 (1.0); byte 1 = 0xF7 -> code 7 (6.0), code 0xF (-6.0); byte 2 = 0x98 ->
  // code 8 (-0.0), code 9 (-0.5); the rest zero. Block 1, scale 125 (X = 1/4): byte 15 = 0x5C ->
  // element 30 code 0xC (-2.0), element 31 code 5 (3.0).
  std::vector<uint8_t> blocks(32, 0), scales = {128, 125};
  blocks[0] = 0x21, blocks[1] = 0xF7, blocks[2] = 0x98, blocks[16 + 15] = 0x5C;
  std::vector<float> out(64, 99.0f);
  decode_mxfp4_rows(blocks, scales, 1, 2, out, "t");
  const float want0[6] = {1.0f, 2.0f, 12.0f, -12.0f, -0.0f, -1.0f};
  for (int i = 0; i < 6; ++i) BOOST_TEST(out[static_cast<size_t>(i)] == want0[i]);
  BOOST_TEST(std::signbit(out[4]));
  for (int i = 6; i < 32; ++i) BOOST_TEST(out[static_cast<size_t>(i)] == 0.0f);
  for (int i = 32; i < 62; ++i) BOOST_TEST(out[static_cast<size_t>(i)] == 0.0f);
  BOOST_TEST(out[62] == -0.5f);
  BOOST_TEST(out[63] == 0.75f);
}

BOOST_AUTO_TEST_CASE(mxfp4_lut_is_the_e2m1_table) {
  const float e2m1[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
  for (int c = 0; c < 8; ++c) {
    BOOST_TEST(kMxfp4Values[c] == e2m1[c]);
    BOOST_TEST(kMxfp4Values[c + 8] == -e2m1[c]);
  }
}

BOOST_AUTO_TEST_CASE(mxfp4_nan_scale_and_overflow_are_refused) {
  std::vector<uint8_t> blocks(16, 0x11), scales = {255};
  std::vector<float> out(32);
  try {
    decode_mxfp4_rows(blocks, scales, 1, 1, out, "w_blocks", 7);
    BOOST_FAIL("scale 255 accepted");
  } catch (const Error& e) {
    BOOST_TEST(validation_mentioning(e, "scale 255"));
    BOOST_TEST(validation_mentioning(e, "row 7"));
    BOOST_TEST(e.where() == "w_blocks");
  }
  // 6 · 2^127 is past fp32's largest finite value.
  scales = {254};
  blocks.assign(16, 0x07);
  BOOST_CHECK_EXCEPTION(decode_mxfp4_rows(blocks, scales, 1, 1, out, "w"), Error,
                        [](const Error& e) { return validation_mentioning(e, "overflows"); });
  // 1.0 · 2^127 is fine.
  blocks.assign(16, 0x22);
  decode_mxfp4_rows(blocks, scales, 1, 1, out, "w");
  BOOST_TEST(out[0] == std::ldexp(1.0f, 127));
}

BOOST_AUTO_TEST_CASE(mxfp4_sizes_are_checked_before_reading) {
  std::vector<uint8_t> blocks(15, 0), scales = {127};
  std::vector<float> out(32);
  BOOST_CHECK_EXCEPTION(decode_mxfp4_rows(blocks, scales, 1, 1, out, "w"), Error,
                        [](const Error& e) { return e.kind() == ErrorKind::Internal; });
}

BOOST_AUTO_TEST_CASE(fp8_block_scales_by_128_x_128_block) {
  // [2, 2] weight, one block, scale_inv 0.5: e4m3 1.0, 448, 2^-9, -2.0.
  const std::vector<uint8_t> w = {0x38, 0x7E, 0x01, 0xC0};
  const std::vector<float> s = {0.5f};
  std::vector<float> out(4);
  decode_fp8_block_rows(w, s, {2, 2, 128, 128}, 0, out, "t");
  BOOST_TEST(out[0] == 0.5f);
  BOOST_TEST(out[1] == 224.0f);
  BOOST_TEST(out[2] == std::ldexp(1.0f, -10));
  BOOST_TEST(out[3] == -1.0f);
}

BOOST_AUTO_TEST_CASE(fp8_partial_blocks_take_their_own_scale) {
  // [130, 130]: scale_inv [2, 2]; every weight 1.0 (0x38), so each value is its block's scale.
  const Fp8BlockShape shape{130, 130, 128, 128};
  const std::vector<uint8_t> w(130 * 130, 0x38);
  const std::vector<float> s = {1.0f, 2.0f, 4.0f, 8.0f};
  std::vector<float> rows(2 * 130);
  decode_fp8_block_rows(w, s, shape, 127, rows, "t");  // rows 127 and 128
  BOOST_TEST(rows[0] == 1.0f);                         // [127][0]
  BOOST_TEST(rows[127] == 1.0f);                       // [127][127]
  BOOST_TEST(rows[128] == 2.0f);                       // [127][128]
  BOOST_TEST(rows[130] == 4.0f);                       // [128][0]
  BOOST_TEST(rows[130 + 129] == 8.0f);                 // [128][129]
  std::vector<float> past(3 * 130);
  BOOST_CHECK_EXCEPTION(decode_fp8_block_rows(w, s, shape, 128, past, "t"), Error,
                        [](const Error& e) { return e.kind() == ErrorKind::Internal; });
}

BOOST_AUTO_TEST_CASE(fp8_nan_codes_and_bad_scales_are_refused) {
  std::vector<uint8_t> w = {0x38, 0xFF};
  std::vector<float> s = {1.0f}, out(2);
  BOOST_CHECK_EXCEPTION(
      decode_fp8_block_rows(w, s, {1, 2, 128, 128}, 0, out, "t"), Error,
      [](const Error& e) { return validation_mentioning(e, "NaN code at [0][1]"); });
  w = {0x38, 0x38};
  s = {std::nanf("")};
  BOOST_CHECK_EXCEPTION(
      decode_fp8_block_rows(w, s, {1, 2, 128, 128}, 0, out, "t"), Error,
      [](const Error& e) { return validation_mentioning(e, "weight_scale_inv[0][0]"); });
  s = {1.0f, 1.0f};  // two scales for a one-block weight
  BOOST_CHECK_EXCEPTION(decode_fp8_block_rows(w, s, {1, 2, 128, 128}, 0, out, "t"), Error,
                        [](const Error& e) { return e.kind() == ErrorKind::Internal; });
}

BOOST_AUTO_TEST_SUITE_END()
