// linear_residual (h += x . w^T + b) against the float64 reference: the sum's bound plus the one
// rounding of the add (ref_linear's output fed through an fp32 addition with h), every weight
// dtype, decode rows (the CUDA GEMV's epilogue), wide rows split over warps, prefill rows (linear
// then add), with and without bias.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

void run(Backend& be, Elem we, int64_t T, int64_t K, int64_t N, bool bias, uint64_t seed) {
  Rng rng(seed);
  auto x = rng.uniform(T * K);
  auto w = rng.uniform(N * K);
  auto h = rng.uniform(T * N, -4, 4);
  Floats b = bias ? rng.uniform(N) : Floats{};
  Tensor xt = upload_f32(be, {T, K}, x);
  Tensor wt = upload_as(be, we, {N, K}, w);
  Tensor bt = bias ? upload_f32(be, {N}, b) : Tensor();
  Tensor ht = upload_f32(be, {T, N}, h);
  be.linear_residual(be.default_stream(), xt, wt, bt, ht);
  const Expected y = ref_linear(x, w, b, T, K, N);
  Expected want;
  for (size_t i = 0; i < h.size(); ++i) want.push(stored(h[i]) + Tracked{y.value[i], y.bound[i]});
  BOOST_TEST_CONTEXT(to_string(we)
                     << " T=" << T << " K=" << K << " N=" << N << (bias ? " bias" : "")) {
    ARCHSCOPE_CHECK_WITHIN(fetch(be, ht), want);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_ops_linear_residual)

BOOST_AUTO_TEST_CASE(every_weight_dtype_and_path) {
  for_each_backend([](Backend& be) {
    uint64_t seed = 200;
    for (Elem e : {Elem::F32, Elem::BF16, Elem::F16}) {
      run(be, e, 1, 256, 53, true, ++seed);   // decode row, 16-byte path
      run(be, e, 1, 77, 29, false, ++seed);   // K odd: the scalar GEMV
      run(be, e, 7, 8200, 9, true, ++seed);   // wide rows over four warps
      run(be, e, 9, 136, 11, false, ++seed);  // past the GEMV's 8 rows under linear=auto
      run(be, e, 37, 211, 45, true, ++seed);  // prefill rows: linear then add
    }
  });
}

BOOST_AUTO_TEST_CASE(refusals_name_the_op) {
  for_each_backend([](Backend& be) {
    Stream& s = be.default_stream();
    Tensor x = be.alloc(Elem::F32, {2, 8}), w = upload_f32(be, {3, 8}, Floats(24, 1.0f));
    for (auto& [call, says] : std::vector<std::pair<std::function<void()>, std::string>>{
             {[&] {
                Tensor h = be.alloc(Elem::F32, {2, 4});
                be.linear_residual(s, x, w, Tensor(), h);
              },
              "h has shape [2, 4], expected [2, 3]"},
             {[&] {
                Tensor h = x.reshape({2, 8}).slice_rows(0, 2);
                be.linear_residual(s, x, upload_f32(be, {8, 8}, Floats(64, 1.0f)), Tensor(), h);
              },
              "must not overlap"}}) {
      try {
        call();
        BOOST_ERROR("linear_residual accepted a bad call: " << says);
      } catch (const Error& e) {
        BOOST_TEST(e.where() == "linear_residual");
        BOOST_TEST(e.message().find(says) != std::string::npos, e.message());
      }
    }
  });
}

BOOST_AUTO_TEST_SUITE_END()
