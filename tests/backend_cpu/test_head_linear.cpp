#define BOOST_TEST_DYN_LINK
#include <hwy/targets.h>

#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

// head_linear against float64: out[t, h, n] = sum_k x[t, h, k] * w[h, n, k]. The bound is the
// worst case of any order of K fp32 multiply-adds, K * 2^-24 * sum_k |x w| (plus one rounding of
// the result), so it holds for the streaming kernel and the blocked GEMM alike.
namespace {

void run(Elem we, int64_t T, int64_t H, int64_t K, int64_t N, uint64_t seed, int threads = 3) {
  CpuBackend be(threads);
  Rng rng(seed);
  auto x = rng.uniform(T * H * K);
  auto w = rng.uniform(H * N * K);
  Tensor xt = upload_f32(be, {T, H, K}, x);
  Tensor wt = upload_as(be, we, {H, N, K}, w);
  Tensor y = be.alloc(Elem::F32, {T, H, N});
  be.head_linear(be.default_stream(), xt, wt, y);
  const std::vector<float> got = fetch(be, y);
  const double u = std::ldexp(1.0, -24);
  int bad = 0;
  for (int64_t t = 0; t < T; ++t)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t n = 0; n < N; ++n) {
        double s = 0.0, mag = 0.0;
        for (int64_t k = 0; k < K; ++k) {
          const double p = static_cast<double>(x[(t * H + h) * K + k]) * w[(h * N + n) * K + k];
          s += p;
          mag += std::abs(p);
        }
        const double bound = static_cast<double>(K + 1) * u * mag + u * std::abs(s);
        const double err = std::abs(got[(t * H + h) * N + n] - s);
        if (!(err <= bound) && bad++ < 3)
          BOOST_ERROR(to_string(we)
                      << " T=" << T << " H=" << H << " K=" << K << " N=" << N << " at [" << t
                      << ", " << h << ", " << n << "]: " << got[(t * H + h) * N + n] << " vs " << s
                      << " (bound " << bound << ")");
      }
  BOOST_TEST(bad == 0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_cpu_head_linear)

BOOST_AUTO_TEST_CASE(streaming_all_weight_dtypes_odd_sizes) {
  for (Elem e : {Elem::F32, Elem::BF16, Elem::F16}) {
    run(e, 1, 1, 1, 1, 1);
    run(e, 1, 5, 37, 19, 2);      // one token (decode): rows of several heads in one stretch
    run(e, 3, 7, 129, 23, 3);     // a partial 4-token group, N not a multiple of the 4-row pass
    run(e, 15, 3, 65, 41, 4, 1);  // the largest streaming T, single thread
  }
}

BOOST_AUTO_TEST_CASE(packed_gemm_for_many_tokens) {
  // T >= 16: packed per head; partial 6-row panels, partial 32-column panels, k blocks of 256
  // with a ragged last one, and several weight-row tasks per head.
  for (Elem e : {Elem::F32, Elem::BF16, Elem::F16}) {
    run(e, 16, 2, 31, 33, 5);
    run(e, 37, 5, 300, 45, 6);
    run(e, 23, 3, 517, 300, 7, 2);
  }
}

BOOST_AUTO_TEST_CASE(every_simd_target) {
  for (int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    BOOST_TEST_CONTEXT(hwy::TargetName(target)) {
      run(Elem::BF16, 2, 3, 77, 13, 20);
      run(Elem::F16, 19, 4, 130, 70, 21);
    }
  }
  hwy::SetSupportedTargetsForTest(0);
}

BOOST_AUTO_TEST_CASE(rejects_mismatched_shapes_and_overlap) {
  CpuBackend be(1);
  Tensor x = be.alloc(Elem::F32, {2, 3, 8});
  Tensor y = be.alloc(Elem::F32, {2, 3, 4});
  BOOST_CHECK_THROW(be.head_linear(be.default_stream(), x, be.alloc(Elem::F32, {2, 4, 8}), y),
                    Error);  // heads
  BOOST_CHECK_THROW(be.head_linear(be.default_stream(), x, be.alloc(Elem::F32, {3, 4, 7}), y),
                    Error);  // K
  Tensor y_bad = be.alloc(Elem::F32, {2, 3, 5});
  BOOST_CHECK_THROW(be.head_linear(be.default_stream(), x, be.alloc(Elem::F32, {3, 4, 8}), y_bad),
                    Error);
  Tensor x2 = be.alloc(Elem::F32, {2, 3 * 8});
  BOOST_CHECK_THROW(be.head_linear(be.default_stream(), x2, be.alloc(Elem::F32, {3, 4, 8}), y),
                    Error);  // rank
  Tensor big = be.alloc(Elem::F32, {2, 3, 8});
  Tensor alias = big.reshape({2, 3, 8}).slice_rows(0, 1).reshape({1, 3, 8});
  Tensor out_alias = Tensor(big.buffer(), Elem::F32, {1, 3, 8});
  BOOST_CHECK_THROW(
      be.head_linear(be.default_stream(), alias, be.alloc(Elem::F32, {3, 8, 8}), out_alias), Error);
  try {
    be.head_linear(be.default_stream(), x, be.alloc(Elem::INT8, {3, 4, 8}), y);
    BOOST_FAIL("int8 weights accepted");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Unsupported));
  }
}

BOOST_AUTO_TEST_SUITE_END()
