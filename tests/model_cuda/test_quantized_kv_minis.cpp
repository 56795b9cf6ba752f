// int8 / fp8 KV caches (issue 12 §1) on CUDA against the CPU backend, fp32 weights, on the dense
// -mini presets and the four recipes of model_support.hpp. Both backends quantize each stored K/V
// vector with the same bits (tests/backend_ops/test_kv_store_quantized.cpp) and read it as
// code * scale in fp32, so what differs is fp32 summation order (~1e-6 relative, as the fp32
// recipe of test_minis.cpp) plus the codes that order flips: an element whose x / s lies within
// a rounding of a code boundary lands on the neighbouring code on one backend, one step apart.
//  - Bound: a flip moves one K or V element by one quantization step; with every element of a
//    layer's K and V so perturbed, the first-order rule of test_minis.cpp (n_r = 2 perturbed
//    inputs per layer, relative u each, a safety factor of 4) gives 4 sqrt(2 L) u, u = 1/254 for
//    int8 (half a step against the vector's absmax) and 2^-4 for fp8 (E4M3's unit roundoff).
//  - Same codes: flips are rare (a fraction ~ fp32 rounding / step of the elements), while the
//    quantization error itself moves every element by up to half a step. So CUDA must be much
//    closer to the CPU's quantized run than the CPU's quantized run is to its fp32-KV run: at most
//    half of it. A backend that quantized differently (another rounding, another absmax rule, a
//    wrong group scale) or not at all would sit at the quantization error itself, ratio ~1.
// MoE presets are left out as in test_minis.cpp's bf16 case: a flipped routing decision changes a
// token's output by O(1). MLA (whose presets are all MoE) runs on deepseek-v3-mini and
// kimi-k2-mini with their experts replaced by the dense FFN of their first layers: the latent
// cache with its two scales per row, and the absorbed form every step takes over a quantized one.
#define BOOST_TEST_DYN_LINK
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "cpu/cpu_backend.hpp"
#include "cuda/cuda_backend.hpp"
#include "model_support.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

cpu::CpuBackend& kv_host() {
  static cpu::CpuBackend be(static_cast<int>(std::max(2u, std::thread::hardware_concurrency())));
  return be;
}

std::vector<std::string> dense_minis() {
  std::vector<std::string> out;
  for (const std::string& p : mini_presets())
    if (!load_preset(p, ARCHSCOPE_PRESETS).moe.experts) out.push_back(p);
  return out;
}

double max_diff(const Recipes& a, const Recipes& b) {
  return std::max({rel_diff(a.full, b.full), rel_diff(a.decode, b.decode),
                   rel_diff(a.chunked, b.chunked), rel_diff(a.batched, b.batched)});
}

void compare_quantized(const std::string& preset, const ModelConfig& c) {
  cuda::CudaBackend gpu(0);
  const Recipes exact = run_recipes(kv_host(), c, Elem::F32, Elem::F32);
  for (Elem kv : {Elem::INT8, Elem::FP8}) {
    const Recipes want = run_recipes(kv_host(), c, Elem::F32, kv);
    const Recipes got = run_recipes(gpu, c, Elem::F32, kv);
    const double u = kv == Elem::INT8 ? 1.0 / 254.0 : 1.0 / 16.0;
    const double bound = 4.0 * std::sqrt(2.0 * static_cast<double>(c.n_layers)) * u;
    const double quant_error = max_diff(want, exact);
    const double f = rel_diff(got.full, want.full), d = rel_diff(got.decode, want.decode);
    const double ch = rel_diff(got.chunked, want.chunked), b = rel_diff(got.batched, want.batched);
    const double worst = std::max({f, d, ch, b});
    BOOST_TEST_MESSAGE(preset << " " << to_string(kv) << " KV: full " << f << ", prefill+decode "
                              << d << ", chunked " << ch << ", batched " << b << " (bound " << bound
                              << "; quantization error against fp32 KV " << quant_error << ")");
    BOOST_TEST(worst <= bound, preset << " " << to_string(kv) << " " << worst << " > " << bound);
    BOOST_TEST(worst <= 0.5 * quant_error, preset << " " << to_string(kv) << " " << worst
                                                  << " is not well below the "
                                                  << "quantization error " << quant_error);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cuda_quantized_kv_minis)

BOOST_DATA_TEST_CASE(cuda_reads_and_writes_the_cpu_codes,
                     boost::unit_test::data::make(dense_minis()), preset) {
  compare_quantized(preset, load_preset(preset, ARCHSCOPE_PRESETS));
}

BOOST_DATA_TEST_CASE(mla_latent_cache,
                     boost::unit_test::data::make(std::vector<std::string>{"deepseek-v3-mini",
                                                                           "kimi-k2-mini"}),
                     preset) {
  ModelConfig c = load_preset(preset, ARCHSCOPE_PRESETS);
  BOOST_REQUIRE(c.attention.mla.kv_lora_rank > 0);
  c.moe = MoeConfig{};  // every layer the dense FFN (ffn.d_ff)
  compare_quantized(preset + " (dense)", c);
}

BOOST_AUTO_TEST_SUITE_END()
