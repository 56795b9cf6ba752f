#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <hwy/targets.h>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

// y[t][n] = sum_k x[t][k] * w[n][k] + b[n] in float64.
std::vector<double> reference(const std::vector<float>& x, const std::vector<float>& w,
                              const std::vector<float>& b, int64_t T, int64_t K, int64_t N) {
  std::vector<double> y(static_cast<size_t>(T * N));
  for (int64_t t = 0; t < T; ++t)
    for (int64_t n = 0; n < N; ++n) {
      double s = b.empty() ? 0.0 : b[n];
      for (int64_t k = 0; k < K; ++k) s += static_cast<double>(x[t * K + k]) * w[n * K + k];
      y[t * N + n] = s;
    }
  return y;
}

void run(Elem we, int64_t T, int64_t K, int64_t N, bool bias, uint64_t seed, double tol = 1e-5) {
  CpuBackend be(3);
  Rng rng(seed);
  auto x = rng.uniform(T * K);
  auto w = rng.uniform(N * K);
  std::vector<float> b = bias ? rng.uniform(N) : std::vector<float>{};
  Tensor xt = upload_f32(be, {T, K}, x);
  Tensor wt = upload_as(be, we, {N, K}, w);
  Tensor bt = bias ? upload_f32(be, {N}, b) : Tensor();
  Tensor y = be.alloc(Elem::F32, {T, N});
  be.linear(be.default_stream(), xt, wt, bt, y);
  BOOST_TEST_CONTEXT(to_string(we) << " T=" << T << " K=" << K << " N=" << N) {
    ARCHSCOPE_CHECK_CLOSE(fetch(be, y), reference(x, w, b, T, K, N), tol);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_cpu_linear)

BOOST_AUTO_TEST_CASE(matvec_all_weight_dtypes_odd_sizes) {
  for (Elem e : {Elem::F32, Elem::BF16, Elem::F16}) {
    run(e, 1, 1, 1, false, 1);
    run(e, 1, 77, 53, true, 2);
    run(e, 3, 301, 29, false, 3);   // 3 tokens: one partial group of the 4-row kernel
    run(e, 7, 129, 67, true, 4);    // 4 + 3 tokens
  }
}

BOOST_AUTO_TEST_CASE(streaming_wide_rows) {
  // K > 4096 streams four weight rows per pass; N not a multiple of four leaves a partial pass.
  run(Elem::BF16, 1, 4099, 7, true, 11);
  run(Elem::F16, 5, 4103, 10, false, 12);
  run(Elem::F32, 3, 4097, 9, true, 13);
}

BOOST_AUTO_TEST_CASE(packed_gemm_for_prefill) {
  // T >= 16 goes through the packed GEMM: partial 6-row token panels, partial 32-column weight
  // panels, several 256-wide k blocks with a ragged last one, and several weight-row tasks.
  run(Elem::F32, 37, 211, 45, true, 5);
  run(Elem::F32, 16, 64, 1, false, 6);
  run(Elem::BF16, 37, 211, 45, true, 7);
  // Past one k block the micro-kernel sums 256 products per output in one fp32 chain, as any
  // blocked sgemm does (the streaming kernel spreads them over 32+ lanes), so the rounding error
  // against float64 grows like sqrt(K) * 2^-24 * |partial sums|: about 1e-5 at K ~ 500-1000.
  run(Elem::BF16, 17, 1100, 300, true, 8, 5e-5);
  run(Elem::F16, 23, 515, 70, false, 9, 5e-5);
  run(Elem::F32, 49, 1025, 33, true, 10, 5e-5);
}

BOOST_AUTO_TEST_CASE(every_simd_target) {
  // The kernels are compiled for every x86 target and picked at run time; check each one this
  // CPU can run (AVX2 and SSE4 paths included on an AVX-512 machine), streaming and GEMM.
  for (int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    BOOST_TEST_CONTEXT(hwy::TargetName(target)) {
      run(Elem::BF16, 2, 77, 53, true, 20);
      run(Elem::F16, 1, 4099, 7, false, 21);
      run(Elem::BF16, 19, 300, 70, true, 22, 5e-5);
      run(Elem::F32, 16, 47, 33, false, 23);
    }
  }
  hwy::SetSupportedTargetsForTest(0);
}

BOOST_AUTO_TEST_CASE(rejects_mismatched_shapes_and_quantized_weights) {
  CpuBackend be(1);
  Tensor x = be.alloc(Elem::F32, {2, 8});
  Tensor w = be.alloc(Elem::F32, {4, 9});
  Tensor y = be.alloc(Elem::F32, {2, 4});
  BOOST_CHECK_THROW(be.linear(be.default_stream(), x, w, Tensor(), y), Error);
  Tensor wq = be.alloc(Elem::INT8, {4, 8});
  try {
    be.linear(be.default_stream(), x, wq, Tensor(), y);
    BOOST_FAIL("int8 weights accepted");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Unsupported));
  }
}

BOOST_AUTO_TEST_SUITE_END()
