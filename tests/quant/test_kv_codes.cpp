// The CUDA kernels' KV-code arithmetic (engine/cuda/kernels/kv_codes.hpp, host and device code in
// one header), compiled for the host here so it is held to the definition on every machine, GPU
// or not: scales, codes and dequantized values bit for bit against the float64 reference of
// quant/kv_row_reference.hpp, and the E4M3 encoder at every rounding boundary (each midpoint of
// two consecutive codes and its fp32 neighbours either side, the codes themselves), saturation
// and NaN.
// Infinite and huge (> 2^53 * 448) inputs are left out: the reference's nearest-code search
// cannot tell their distances apart.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "cuda/kernels/kv_codes.hpp"
#include "quant/kv_row_reference.hpp"

namespace kvq = archscope::cuda::kvq;
using archscope::test::e4m3_ref;
using archscope::test::e4m3_spec;
using archscope::test::KvCode;
using archscope::test::reference;
using archscope::test::RefRow;

namespace {

uint32_t bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

// What the CUDA kv_store writes for one vector and what the attention kernels read back.
void check_row(KvCode code, const std::vector<float>& x) {
  const bool fp8 = code == KvCode::Fp8;
  const RefRow ref = reference(code, x);
  float absmax = 0.0f;
  for (float v : x) absmax = std::fmax(absmax, std::fabs(v));
  const float s = kvq::kv_scale(fp8, absmax);
  BOOST_TEST(bits(s) == bits(ref.scale));
  size_t bad = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const uint8_t q = kvq::kv_code(fp8, x[i], s);
    const float y = (fp8 ? kvq::e4m3_value(q) : kvq::int8_value(q)) * s;
    if (q != ref.codes[i] || bits(y) != bits(ref.values[i])) ++bad;
  }
  BOOST_TEST(bad == 0u, bad << " of " << x.size() << " elements differ");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kv_codes_cuda)

BOOST_AUTO_TEST_CASE(rows_match_the_reference_bit_for_bit) {
  std::mt19937 rng(99);
  std::normal_distribution<float> n(0.0f, 1.0f);
  std::vector<std::vector<float>> rows;
  for (int len : {1, 5, 32, 64, 128, 576})
    for (float mag : {3e-38f, 1e-4f, 0.7f, 1.0f, 41.0f, 6e4f, 5e37f}) {
      std::vector<float> x(static_cast<size_t>(len));
      for (float& v : x) v = n(rng) * mag;
      if (len > 8) x[2] = 30 * (mag > 1e37f ? 1.0f : mag);
      rows.push_back(x);
    }
  rows.push_back(std::vector<float>(9, 0.0f));
  rows.push_back({127.0f, 0.5f, 1.5f, 2.5f, -2.5f, -0.5f, -0.0f});
  rows.push_back({448.0f, 17.0f, -19.0f, 0.0f, -0.0f, 0.0078125f, 0.005859375f});
  rows.push_back({-1e-38f, 3e-39f, 1e-45f});
  for (KvCode c : {KvCode::Int8, KvCode::Fp8})
    for (const auto& x : rows) check_row(c, x);
}

BOOST_AUTO_TEST_CASE(e4m3_encoder_at_every_rounding_boundary) {
  std::vector<float> ys{0.0f, -0.0f, 448.0f, 449.0f, 464.0f, 1e6f, -1e6f, 1e-45f, -1e-45f};
  for (uint32_t mag = 0; mag < 0x7E; ++mag) {
    const float mid = static_cast<float>((e4m3_spec(mag) + e4m3_spec(mag + 1)) / 2);  // exact
    for (float y : {mid, std::nextafter(mid, 0.0f), std::nextafter(mid, 1e9f),
                    static_cast<float>(e4m3_spec(mag))}) {
      ys.push_back(y);
      ys.push_back(-y);
    }
  }
  size_t bad = 0;
  for (float y : ys) {
    const uint8_t q = kvq::e4m3_code(y);
    if (q != e4m3_ref(y)) {
      ++bad;
      BOOST_TEST_MESSAGE("y = " << y << ": code " << int(q) << ", reference " << int(e4m3_ref(y)));
    }
    const double v = e4m3_spec(q & 0x7Fu) * ((q & 0x80u) ? -1.0 : 1.0);
    if (bits(kvq::e4m3_value(q)) != bits(static_cast<float>(v))) ++bad;
  }
  BOOST_TEST(bad == 0u);
  BOOST_TEST(kvq::e4m3_code(std::nanf("")) == 0x7F);
  BOOST_TEST(std::isnan(kvq::e4m3_value(0x7F)));
  BOOST_TEST(std::isnan(kvq::e4m3_value(0xFF)));
  BOOST_TEST(kvq::int8_code(std::nanf("")) == 0);
  BOOST_TEST(kvq::int8_code(-1e9f) == 0x81);  // clamped to -127
}

BOOST_AUTO_TEST_SUITE_END()
