// KV-cache row quantization (engine/quant/kv_rows.hpp) bit for bit against the float64 reference
// of quant/kv_row_reference.hpp: scales, codes and dequantized values.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "quant/kv_row_reference.hpp"
#include "quant/kv_rows.hpp"

using namespace archscope::quant;
using archscope::test::reference;
using archscope::test::RefRow;

namespace {

uint32_t bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

void check_row(KvCode code, const std::vector<float>& x) {
  const RefRow ref = reference(code, x);
  std::vector<uint8_t> q(x.size());
  const float s = quantize_kv_row(code, x.data(), static_cast<int64_t>(x.size()), q.data());
  BOOST_TEST(bits(s) == bits(ref.scale));
  std::vector<float> y(x.size());
  dequantize_kv_row(code, q.data(), static_cast<int64_t>(q.size()), s, y.data());
  size_t bad = 0;
  for (size_t i = 0; i < x.size(); ++i)
    if (q[i] != ref.codes[i] || bits(y[i]) != bits(ref.values[i])) ++bad;
  BOOST_TEST(bad == 0u, bad << " of " << x.size() << " elements differ (n = " << x.size() << ")");
}

std::vector<std::vector<float>> rows() {
  std::vector<std::vector<float>> out;
  std::mt19937 rng(1234);
  std::normal_distribution<float> n(0.0f, 1.0f);
  for (int64_t len : {1, 7, 64, 128, 512, 576})
    for (float mag : {1e-4f, 0.3f, 1.0f, 37.0f, 3e4f}) {
      std::vector<float> x(static_cast<size_t>(len));
      for (float& v : x) v = n(rng) * mag;
      if (len > 8) x[3] = 20 * mag;  // an outlier channel
      out.push_back(x);
    }
  out.push_back(std::vector<float>(16, 0.0f));              // all zero: s = 0
  out.push_back({127.0f, 0.5f, 1.5f, 2.5f, -2.5f, -0.5f});  // int8 ties (s = 1)
  out.push_back({448.0f, 17.0f, -19.0f, 0.0f, -0.0f});  // E4M3 ties at 16..32 (step 2), signed zero
  out.push_back({-1e-38f, 3e-39f, 1e-45f});             // subnormal inputs
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kv_rows)

BOOST_AUTO_TEST_CASE(int8_rows_match_the_float64_reference) {
  for (const auto& x : rows()) check_row(KvCode::Int8, x);
}

BOOST_AUTO_TEST_CASE(fp8_rows_match_the_float64_reference) {
  for (const auto& x : rows()) check_row(KvCode::Fp8, x);
}

BOOST_AUTO_TEST_CASE(ties_round_to_even) {
  // s = 127 / 127 = 1: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -2.5 -> -2.
  const std::vector<float> x{127.0f, 0.5f, 1.5f, 2.5f, -2.5f};
  std::vector<uint8_t> q(x.size());
  BOOST_TEST(quantize_kv_row(KvCode::Int8, x.data(), 5, q.data()) == 1.0f);
  const int expect[] = {127, 0, 2, 2, -2};
  for (size_t i = 0; i < x.size(); ++i) BOOST_TEST(kv_code_value(KvCode::Int8, q[i]) == expect[i]);
  // s = 448 / 448 = 1: 17 lies between E4M3 16 (m = 0) and 18 (m = 1): the even code, 16.
  const std::vector<float> f{448.0f, 17.0f, 19.0f};
  BOOST_TEST(quantize_kv_row(KvCode::Fp8, f.data(), 3, q.data()) == 1.0f);
  BOOST_TEST(kv_code_value(KvCode::Fp8, q[0]) == 448.0f);
  BOOST_TEST(kv_code_value(KvCode::Fp8, q[1]) == 16.0f);
  BOOST_TEST(kv_code_value(KvCode::Fp8, q[2]) == 20.0f);  // 19: between 18 (m = 1) and 20 (m = 2)
}

BOOST_AUTO_TEST_SUITE_END()
