// grouped_linear (the MoE experts) on every backend, and on a device backend with each of its
// `experts` kernels (gemv, tensor, tiles: backend/kernel_choices.hpp), against the float64
// reference: every weight dtype, odd sizes, ragged groups (experts with no rows, single rows, a
// group of three 64-row tiles with a partial last one). Bound: the fp32 sum bound of
// ref_grouped_linear, plus u_bf16 sum|x w| where the tensor-core kernel rounds the activations to
// bf16 (bf16 experts with K a multiple of 8; it declines the others, which then take the GEMV).
#include <hwy/targets.h>

#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "backend/cuda_entry.hpp"
#include "conformance.hpp"
#include "error_bound.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

// The device entries once more per kernel variant (the suite's device entries run the exact
// choices: experts=auto with linear=gemv, i.e. the GEMV).
std::vector<std::pair<BackendUnderTest, ExpertsKernel>> entries() {
  std::vector<std::pair<BackendUnderTest, ExpertsKernel>> out;
  for (BackendUnderTest& b : backends_under_test())
    out.emplace_back(std::move(b), ExpertsKernel::Auto);
#ifdef ARCHSCOPE_WITH_CUDA
  for (const DeviceInfo& d : cuda_entry::devices())
    for (auto [kern, name] : {std::pair<ExpertsKernel, const char*>{ExpertsKernel::Gemv, "gemv"},
                              {ExpertsKernel::Tensor, "tensor"},
                              {ExpertsKernel::Tiles, "tiles"}}) {
      KernelChoices k;
      k.experts = kern;
      out.emplace_back(BackendUnderTest{d.spec + " experts=" + name,
                                        [i = d.index, k] { return cuda_entry::make(i, k); }, 0},
                       kern);
    }
#endif
  return out;
}

struct ForcedTarget {
  explicit ForcedTarget(int64_t target) { hwy::SetSupportedTargetsForTest(target); }
  ~ForcedTarget() { hwy::SetSupportedTargetsForTest(0); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_ops_grouped_kernels)

BOOST_AUTO_TEST_CASE(grouped_linear_every_kernel_with_ragged_groups) {
  for (const auto& [entry, kern] : entries()) {
    BOOST_TEST_CONTEXT("backend " << entry.name) {
      std::unique_ptr<ForcedTarget> forced;
      if (entry.cpu_target) forced = std::make_unique<ForcedTarget>(entry.cpu_target);
      std::unique_ptr<Backend> be = entry.make();
      for (Elem we : {Elem::F32, Elem::BF16, Elem::F16})
        for (auto [N, K] : {std::pair<int64_t, int64_t>{19, 37}, {130, 40}, {9, 136}}) {
          Rng rng(static_cast<uint64_t>(N * K) + static_cast<uint64_t>(we));
          // Expert 0 empty, 1 three tiles of 64 (the last of 2 rows), 2 one row, 3 empty, 4 a
          // few rows, 5 empty at the end.
          const Ints off = {0, 0, 130, 131, 131, 137, 137};
          const int64_t E = static_cast<int64_t>(off.size()) - 1, R = off.back();
          auto x = rng.uniform(R * K), w = rng.uniform(E * N * K), b = rng.uniform(E * N);
          Tensor wt = upload_as(*be, we, {E, N, K}, w);
          Tensor y = be->alloc(Elem::F32, {R, N});
          be->grouped_linear(be->default_stream(), upload_f32(*be, {R, K}, x), wt,
                             upload_f32(*be, {E, N}, b), upload_i32(*be, {E + 1}, off), y);
          Expected want = ref_grouped_linear(x, w, b, off, K, N);
          if (kern == ExpertsKernel::Tensor && we == Elem::BF16 && K % 8 == 0) {
            for (int64_t e = 0; e < E; ++e)
              for (int64_t r = off[static_cast<size_t>(e)]; r < off[static_cast<size_t>(e) + 1];
                   ++r)
                for (int64_t n = 0; n < N; ++n) {
                  double S = 0.0;
                  for (int64_t k = 0; k < K; ++k)
                    S += std::abs(static_cast<double>(x[static_cast<size_t>(r * K + k)]) *
                                  w[static_cast<size_t>((e * N + n) * K + k)]);
                  want.bound[static_cast<size_t>(r * N + n)] += kUBf16 * S;
                }
          }
          BOOST_TEST_CONTEXT(to_string(we) << " N=" << N << " K=" << K) {
            ARCHSCOPE_CHECK_WITHIN(fetch(*be, y), want);
          }
        }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
