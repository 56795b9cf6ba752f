// BF16 activations on the tensor-core path (Backend::linear_input_elem): the backend asks for a
// bf16 x exactly where its GEMM would round x to bf16 itself (bf16 weights, cuBLASLt: prefill
// rows or linear=cublas), and a linear handed that bf16 x gives, bit for bit, the output of the
// same linear handed the fp32 x it came from, under every kernel choice and with a bias: the
// producer's rounding replaces the conversion pass without changing a value. The bounds against
// float64 of both paths are test_linear.cpp's and tests/backend_ops' (test_bf16_activations).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "cuda_helpers.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(cuda_bf16_activations)

BOOST_AUTO_TEST_CASE(linear_input_elem_names_the_tensor_core_path) {
  Tensor wb = gpu().alloc(Elem::BF16, {8, 16}), wf = gpu().alloc(Elem::F32, {8, 16}),
         wh = gpu().alloc(Elem::F16, {8, 16});
  KernelChoices k;
  {
    KernelScope scope(k);  // auto: cuBLASLt above 8 rows
    BOOST_TEST((gpu().linear_input_elem(wb, 9) == Elem::BF16));
    BOOST_TEST((gpu().linear_input_elem(wb, 2048) == Elem::BF16));
    BOOST_TEST((gpu().linear_input_elem(wb, 8) == Elem::F32));  // the GEMV reads fp32
    BOOST_TEST((gpu().linear_input_elem(wb, 1) == Elem::F32));
    BOOST_TEST((gpu().linear_input_elem(wf, 2048) == Elem::F32));
    BOOST_TEST((gpu().linear_input_elem(wh, 2048) == Elem::F32));  // fp16: scaled per row
  }
  k.linear = LinearKernel::Cublas;
  {
    KernelScope scope(k);
    BOOST_TEST((gpu().linear_input_elem(wb, 1) == Elem::BF16));
  }
  k.linear = LinearKernel::Gemv;
  {
    KernelScope scope(k);
    BOOST_TEST((gpu().linear_input_elem(wb, 2048) == Elem::F32));
  }
}

BOOST_AUTO_TEST_CASE(bf16_x_gives_the_fp32_x_result_bit_for_bit) {
  for (LinearKernel kernel : {LinearKernel::Auto, LinearKernel::Cublas, LinearKernel::Gemv})
    for (int64_t T : {1, 7, 9, 130})
      for (bool bias : {false, true}) {
        KernelChoices k;
        k.linear = kernel;
        KernelScope scope(k);
        const int64_t N = 67, K = 264;
        Rng r(static_cast<uint64_t>(T * 31 + (bias ? 7 : 0)));
        std::vector<float> x = r.uniform(static_cast<size_t>(T * K), -2, 2),
                           w = r.uniform(static_cast<size_t>(N * K));
        Tensor xb = put(gpu(), Elem::BF16, {T, K}, x);  // x: now the stored bf16 values
        Tensor xf = put_f32(gpu(), {T, K}, x);
        Tensor tw = put(gpu(), Elem::BF16, {N, K}, w);
        Tensor tb = bias ? put_f32(gpu(), {N}, r.uniform(static_cast<size_t>(N))) : Tensor();
        Tensor yb = poisoned(gpu(), {T, N}), yf = poisoned(gpu(), {T, N});
        gpu().linear(gpu().default_stream(), xb, tw, tb, yb);
        gpu().linear(gpu().default_stream(), xf, tw, tb, yf);
        BOOST_TEST_CONTEXT("kernel " << static_cast<int>(kernel) << " T=" << T
                                     << (bias ? " bias" : "")) {
          const std::vector<float> a = get(gpu(), yb), b = get(gpu(), yf);
          BOOST_TEST(a == b, boost::test_tools::per_element());
        }
      }
}

BOOST_AUTO_TEST_SUITE_END()
