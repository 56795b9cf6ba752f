// linear against a float64 reference for every weight dtype, odd and aligned K, 1..130 token rows,
// with and without bias, through every kernel (gemv, gemv-stream, cublas) and the automatic choice.
// Bounds from the arithmetic, per output y = sum_k x_k w_k (+ b), S = sum_k |x_k w_k| (+ |b|):
//   fp32 arithmetic (gemv; cuBLAS fp32, no TF32):  lambda sqrt(K) u32 S
//   bf16 tensor cores (x rounded to bf16):          (u_bf16 + lambda sqrt(K) u32) S
//   fp16 tensor cores (x scaled by 2^e per row, rounded to fp16): (u_f16 + lambda sqrt(K) u32) S
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "cuda_helpers.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

void check_linear(LinearKernel kernel, Elem we, int64_t T, int64_t N, int64_t K, bool with_bias) {
  KernelChoices k;
  k.linear = kernel;
  KernelScope scope(k);
  Stream& s = gpu().default_stream();
  Rng r(static_cast<uint64_t>(T * 1000003 + N * 1009 + K));
  std::vector<float> x = r.uniform(static_cast<size_t>(T * K), -2, 2),
                     w = r.uniform(static_cast<size_t>(N * K));
  std::vector<float> b = r.uniform(static_cast<size_t>(N));
  Tensor tx = put_f32(gpu(), {T, K}, x), tw = put(gpu(), we, {N, K}, w);
  Tensor tb = with_bias ? put_f32(gpu(), {N}, b) : Tensor();
  Tensor out = poisoned(gpu(), {T, N});
  gpu().linear(s, tx, tw, tb, out);
  const bool tensor_cores = we != Elem::F32 && (kernel == LinearKernel::Cublas ||
                                                (kernel == LinearKernel::Auto && T > 8));
  const double u_in = !tensor_cores ? 0.0 : we == Elem::BF16 ? kUBf16 : kUF16;
  std::vector<double> want(static_cast<size_t>(T * N)), bound(want.size());
  for (int64_t t = 0; t < T; ++t)
    for (int64_t n = 0; n < N; ++n) {
      double y = with_bias ? b[static_cast<size_t>(n)] : 0.0,
             S = with_bias ? std::fabs(b[static_cast<size_t>(n)]) : 0.0;
      for (int64_t i = 0; i < K; ++i) {
        const double p = static_cast<double>(x[static_cast<size_t>(t * K + i)]) *
                         w[static_cast<size_t>(n * K + i)];
        y += p;
        S += std::fabs(p);
      }
      want[static_cast<size_t>(t * N + n)] = y;
      bound[static_cast<size_t>(t * N + n)] =
          (u_in + accum(static_cast<double>(K) + 1)) * S + 1e-30;
    }
  ARCHSCOPE_CHECK_BOUND(get(gpu(), out), want, bound,
                        "linear kernel " << static_cast<int>(kernel) << " " << name(we)
                                         << " T=" << T << " N=" << N << " K=" << K
                                         << (with_bias ? " +bias" : ""));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cuda_linear)

BOOST_AUTO_TEST_CASE(all_dtypes_shapes_and_kernels) {
  for (Elem we : {Elem::F32, Elem::BF16, Elem::F16})
    for (LinearKernel kern :
         {LinearKernel::Auto, LinearKernel::Gemv, LinearKernel::GemvStream, LinearKernel::Cublas})
      for (int64_t T : {1, 3, 8, 9, 33, 130})
        for (auto [N, K] : {std::pair<int64_t, int64_t>{5, 7}, {64, 64}, {129, 200}, {300, 2048}}) {
          if ((kern == LinearKernel::Gemv || kern == LinearKernel::GemvStream) && T > 33 && K > 64)
            continue;  // slow and covered at T = 33
          check_linear(kern, we, T, N, K, (T + N) % 2 == 1);
        }
}

BOOST_AUTO_TEST_CASE(bench_shapes_decode_and_prefill) {
  // bench-1b's widest matrices: gate|up (16384 x 2048) and down (2048 x 8192).
  check_linear(LinearKernel::Auto, Elem::BF16, 1, 16384, 2048, false);
  check_linear(LinearKernel::Auto, Elem::BF16, 4, 2048, 8192, false);
  check_linear(LinearKernel::Auto, Elem::BF16, 256, 2048, 8192, true);
  check_linear(LinearKernel::Auto, Elem::F32, 256, 512, 2048, true);
}

BOOST_AUTO_TEST_CASE(persistent_gemv_walks_several_rows_per_warp) {
  // More rows than the persistent kernel's grid has warps (at most 8 blocks of 8 warps per SM),
  // so each warp streams several rows with the next row's loads in flight; odd N leaves warps
  // with different row counts; every dtype, 1 and 5 token rows, bias on.
  for (Elem we : {Elem::F32, Elem::BF16, Elem::F16})
    for (int64_t T : {1, 5})
      for (LinearKernel kern : {LinearKernel::Gemv, LinearKernel::GemvStream})
        check_linear(kern, we, T, 9001, 1024, true);
}

BOOST_AUTO_TEST_CASE(misaligned_views_use_the_scalar_path) {
  // Rows of a view that starts one float into its buffer: 16-byte loads would be misaligned.
  Stream& s = gpu().default_stream();
  const int64_t T = 2, N = 33, K = 64;
  Rng r(4);
  std::vector<float> xs = r.uniform(static_cast<size_t>(T * K + 1)),
                     w = r.uniform(static_cast<size_t>(N * K));
  Tensor big = put_f32(gpu(), {T * K + 1}, xs);
  Tensor x(big.buffer(), Elem::F32, {T, K}, sizeof(float));
  Tensor tw = put(gpu(), Elem::BF16, {N, K}, w), out = poisoned(gpu(), {T, N});
  gpu().linear(s, x, tw, Tensor(), out);
  std::vector<double> want(static_cast<size_t>(T * N)), bound(want.size());
  for (int64_t t = 0; t < T; ++t)
    for (int64_t n = 0; n < N; ++n) {
      double y = 0, S = 0;
      for (int64_t i = 0; i < K; ++i) {
        const double p = static_cast<double>(xs[static_cast<size_t>(1 + t * K + i)]) *
                         w[static_cast<size_t>(n * K + i)];
        y += p;
        S += std::fabs(p);
      }
      want[static_cast<size_t>(t * N + n)] = y;
      bound[static_cast<size_t>(t * N + n)] = accum(static_cast<double>(K)) * S + 1e-30;
    }
  ARCHSCOPE_CHECK_BOUND(get(gpu(), out), want, bound, "linear on a misaligned view");
}

BOOST_AUTO_TEST_SUITE_END()
