#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

// head_linear against float64: out[t, h, n] = sum_k x[t, h, k] * w[h, n, k], each output an
// fp32 dot product of K terms held to the sum bound of error_bound.hpp.
namespace {

void run(Backend& be, Elem we, int64_t T, int64_t H, int64_t K, int64_t N, uint64_t seed) {
  Rng rng(seed);
  auto x = rng.uniform(T * H * K);
  auto w = rng.uniform(H * N * K);
  Tensor xt = upload_f32(be, {T, H, K}, x);
  Tensor wt = upload_as(be, we, {H, N, K}, w);
  Tensor y = be.alloc(Elem::F32, {T, H, N});
  be.head_linear(be.default_stream(), xt, wt, y);
  BOOST_TEST_CONTEXT(to_string(we) << " T=" << T << " H=" << H << " K=" << K << " N=" << N) {
    ARCHSCOPE_CHECK_WITHIN(fetch(be, y), ref_head_linear(x, w, T, H, K, N));
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_ops_head_linear)

BOOST_AUTO_TEST_CASE(decode_sizes_all_weight_dtypes) {
  for_each_backend([](Backend& be) {
    for (Elem e : {Elem::F32, Elem::BF16, Elem::F16}) {
      run(be, e, 1, 1, 1, 1, 1);
      run(be, e, 1, 5, 37, 19, 2);   // one token: rows of several heads in one stretch
      run(be, e, 3, 7, 129, 23, 3);  // a partial token group, N odd
      run(be, e, 15, 3, 64, 41, 4);  // K a multiple of the 16-byte chunk
    }
  });
}

// T >= 16: the CPU packs each head's rows for its blocked GEMM (partial 6-row panels, partial
// 32-column panels, k blocks of 256 with a ragged last one).
BOOST_AUTO_TEST_CASE(prefill_sizes) {
  for_each_backend([](Backend& be) {
    for (Elem e : {Elem::F32, Elem::BF16, Elem::F16}) {
      run(be, e, 16, 2, 31, 33, 5);
      run(be, e, 37, 5, 300, 45, 6);
      run(be, e, 23, 3, 517, 300, 7);
    }
  });
}

BOOST_AUTO_TEST_CASE(rejects_mismatched_shapes_overlap_and_quantized_weights) {
  for_each_backend([](Backend& be) {
    Stream& s = be.default_stream();
    Tensor x = be.alloc(Elem::F32, {2, 3, 8});
    Tensor y = be.alloc(Elem::F32, {2, 3, 4});
    BOOST_CHECK_THROW(be.head_linear(s, x, be.alloc(Elem::F32, {2, 4, 8}), y), Error);  // heads
    BOOST_CHECK_THROW(be.head_linear(s, x, be.alloc(Elem::F32, {3, 4, 7}), y), Error);  // K
    Tensor y_bad = be.alloc(Elem::F32, {2, 3, 5});
    BOOST_CHECK_THROW(be.head_linear(s, x, be.alloc(Elem::F32, {3, 4, 8}), y_bad), Error);
    Tensor x2 = be.alloc(Elem::F32, {2, 3 * 8});
    BOOST_CHECK_THROW(be.head_linear(s, x2, be.alloc(Elem::F32, {3, 4, 8}), y), Error);  // rank
    Tensor big = be.alloc(Elem::F32, {2, 3, 8});
    Tensor in = big.slice_rows(0, 1);
    Tensor out_alias = Tensor(big.buffer(), Elem::F32, {1, 3, 8});
    BOOST_CHECK_THROW(be.head_linear(s, in, be.alloc(Elem::F32, {3, 8, 8}), out_alias), Error);
    try {
      be.head_linear(s, x, be.alloc(Elem::INT8, {3, 4, 8}), y);
      BOOST_FAIL("int8 weights accepted");
    } catch (const Error& e) {
      BOOST_TEST((e.kind() == ErrorKind::Unsupported));
    }
  });
}

BOOST_AUTO_TEST_SUITE_END()
