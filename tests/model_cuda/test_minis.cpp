// Every -mini preset, CUDA against the CPU backend, on the four recipes of model_support.hpp.
//  - fp32 weights, fp32 KV: the same fp32 arithmetic in another order (cuBLAS fp32 without TF32,
//    fp32 attention), so the logits agree within 1e-5 relative.
//  - bf16 weights, fp32 KV, linear=gemv: still fp32 arithmetic on the stored bf16 weights: 1e-5.
//  - bf16 weights, bf16 KV, default kernels (dense presets): prefill GEMMs round their activations
//    to bf16 (unit roundoff u = 2^-8) and bf16 K/V entries can round to the neighbouring value
//    when the two backends' fp32 keys differ in the last bit. Bound, to first order: n_r
//    independent relative perturbations of at most u per logit path add up to sqrt(n_r) u
//    relative (pre-norm layers keep their scale), with n_r = 6 per layer (four GEMM inputs, K
//    and V) + 2 (embedding output and LM head input): relative difference <= 4 sqrt(6 L + 2) u,
//    a safety factor of 4. MoE presets are left out of this one: a routing decision whose two
//    candidates' logits are closer than the bf16 perturbation legitimately flips, changing that
//    token's output by O(1); they are covered by the two fp32-arithmetic comparisons above.
#define BOOST_TEST_DYN_LINK
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "cpu/cpu_backend.hpp"
#include "cuda/cuda_backend.hpp"
#include "model_support.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

cpu::CpuBackend& host() {
  static cpu::CpuBackend be(static_cast<int>(std::max(2u, std::thread::hardware_concurrency())));
  return be;
}

void compare(const std::string& preset, const Recipes& got, const Recipes& want, double bound,
             const char* what) {
  const double f = rel_diff(got.full, want.full), d = rel_diff(got.decode, want.decode);
  const double c = rel_diff(got.chunked, want.chunked), b = rel_diff(got.batched, want.batched);
  BOOST_TEST_MESSAGE(preset << " " << what << ": full " << f << ", prefill+decode " << d
                            << ", chunked " << c << ", batched " << b << " (bound " << bound
                            << ")");
  BOOST_TEST(f <= bound, preset << " " << what << " full " << f);
  BOOST_TEST(d <= bound, preset << " " << what << " prefill+decode " << d);
  BOOST_TEST(c <= bound, preset << " " << what << " chunked " << c);
  BOOST_TEST(b <= bound, preset << " " << what << " batched " << b);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cuda_minis)

BOOST_DATA_TEST_CASE(cuda_matches_cpu, boost::unit_test::data::make(mini_presets()), preset) {
  const ModelConfig c = load_preset(preset, ARCHSCOPE_PRESETS);
  cuda::CudaBackend gpu(0);
  compare(preset, run_recipes(gpu, c, Elem::F32, Elem::F32),
          run_recipes(host(), c, Elem::F32, Elem::F32), 1e-5, "fp32");
  {
    KernelChoices k;
    k.linear = LinearKernel::Gemv;
    gpu.set_kernels(k);
    compare(preset, run_recipes(gpu, c, Elem::BF16, Elem::F32),
            run_recipes(host(), c, Elem::BF16, Elem::F32), 1e-5, "bf16 weights, gemv");
    gpu.set_kernels(KernelChoices{});
  }
  if (!c.moe.experts) {
    const double bound = 4.0 * std::sqrt(6.0 * static_cast<double>(c.n_layers) + 2.0) / 256.0;
    compare(preset, run_recipes(gpu, c, Elem::BF16, Elem::BF16),
            run_recipes(host(), c, Elem::BF16, Elem::BF16), bound,
            "bf16 weights + KV, tensor cores");
  }
}

BOOST_AUTO_TEST_SUITE_END()
