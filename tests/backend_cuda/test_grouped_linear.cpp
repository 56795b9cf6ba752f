// grouped_linear's CUDA kernels (experts=gemv|tensor|tiles, and what auto picks) against a
// float64 reference: every weight dtype, odd sizes, ragged groups (empty experts, single rows,
// groups of several 64-row tiles with a partial last one), bias on and off, the qwen3-30b-a3b
// expert matrices at decode (8 rows, each of another expert) and a batched-decode grouping; bad
// offsets are reported at synchronize. Bound per output: 6 sqrt(K + 1) u sum|x w| (fp32
// accumulation, any order), plus u_bf16 sum|x w| where the tensor-core kernel rounds the
// activations to bf16 (the weights are stored bf16 already and the reference reads them so).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "common/error.hpp"
#include "cuda_helpers.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

const char* kernel_name(ExpertsKernel k) {
  switch (k) {
    case ExpertsKernel::Gemv:
      return "gemv";
    case ExpertsKernel::Tensor:
      return "tensor";
    case ExpertsKernel::Tiles:
      return "tiles";
    default:
      return "auto";
  }
}

// Whether the tensor-core kernel ran, by the rule ops/grouped_linear.cu documents: asked for, or
// auto above 4 rows per expert on average; bf16 experts with K a positive multiple of 8 (the
// tensors here are aligned).
bool tensor_cores(ExpertsKernel k, Elem we, int64_t R, int64_t E, int64_t K) {
  if (we != Elem::BF16 || K == 0 || K % 8 != 0) return false;
  return k == ExpertsKernel::Tensor || (k == ExpertsKernel::Auto && R > 4 * E);
}

// Ragged offsets: expert e gets a count in [0, max_rows), every third one none.
std::vector<int32_t> ragged(Rng& r, int64_t E, int32_t max_rows) {
  std::vector<int32_t> off = {0};
  for (int64_t e = 0; e < E; ++e) off.push_back(off.back() + (e % 3 == 1 ? 0 : r.index(max_rows)));
  return off;
}

void check_grouped(ExpertsKernel kern, Elem we, int64_t N, int64_t K,
                   const std::vector<int32_t>& off, bool with_bias, uint64_t seed) {
  KernelChoices kc;
  kc.experts = kern;
  KernelScope scope(kc);
  Stream& s = gpu().default_stream();
  const int64_t E = static_cast<int64_t>(off.size()) - 1, R = off.back();
  Rng r(seed);
  std::vector<float> x = r.uniform(static_cast<size_t>(R * K)),
                     w = r.uniform(static_cast<size_t>(E * N * K)),
                     b = r.uniform(static_cast<size_t>(E * N));
  Tensor out = poisoned(gpu(), {R, N});
  Tensor tw = put(gpu(), we, {E, N, K}, w);
  gpu().grouped_linear(s, put_f32(gpu(), {R, K}, x), tw,
                       with_bias ? put_f32(gpu(), {E, N}, b) : Tensor(),
                       put_i32(gpu(), {E + 1}, off), out);
  const double u_in = tensor_cores(kern, we, R, E, K) ? kUBf16 : 0.0;
  std::vector<double> want(static_cast<size_t>(R * N)), bound(want.size());
  for (int64_t e = 0; e < E; ++e)
    for (int64_t row = off[static_cast<size_t>(e)]; row < off[static_cast<size_t>(e) + 1]; ++row)
      for (int64_t n = 0; n < N; ++n) {
        double y = with_bias ? b[static_cast<size_t>(e * N + n)] : 0.0, S = std::fabs(y);
        const float* xr = x.data() + row * K;
        const float* wr = w.data() + (e * N + n) * K;
        for (int64_t i = 0; i < K; ++i) {
          const double p = static_cast<double>(xr[i]) * wr[i];
          y += p;
          S += std::fabs(p);
        }
        want[static_cast<size_t>(row * N + n)] = y;
        bound[static_cast<size_t>(row * N + n)] =
            (u_in + accum(static_cast<double>(K) + 1)) * S + 1e-30;
      }
  ARCHSCOPE_CHECK_BOUND(get(gpu(), out), want, bound,
                        "grouped_linear experts=" << kernel_name(kern) << " " << name(we)
                                                  << " E=" << E << " R=" << R << " N=" << N
                                                  << " K=" << K << (with_bias ? " +bias" : ""));
}

constexpr ExpertsKernel kAll[] = {ExpertsKernel::Auto, ExpertsKernel::Gemv, ExpertsKernel::Tensor,
                                  ExpertsKernel::Tiles};

}  // namespace

BOOST_AUTO_TEST_SUITE(cuda_grouped_linear)

BOOST_AUTO_TEST_CASE(every_kernel_dtype_and_odd_shape) {
  // N: below one tile, one partial 128-column block, one full and a partial; K: one 16-byte
  // chunk short of a 32-step (40), odd (7: the scalar paths; the tensor kernel declines it),
  // longer than one pass of the GEMV (2056 bf16: rows split over warps).
  for (Elem we : {Elem::F32, Elem::BF16, Elem::F16})
    for (ExpertsKernel kern : kAll)
      for (auto [E, N, K] : {std::tuple<int64_t, int64_t, int64_t>{4, 33, 64},
                             {6, 200, 40},
                             {3, 8, 7},
                             {4, 17, 2056}}) {
        Rng r(static_cast<uint64_t>(E * N + K));
        check_grouped(kern, we, N, K, ragged(r, E, 13), (N + K) % 2 == 1,
                      static_cast<uint64_t>(E + N + K) + static_cast<uint64_t>(we));
      }
}

BOOST_AUTO_TEST_CASE(groups_of_several_tiles_and_empty_experts) {
  // Expert 0 empty, 1 holds 130 rows (tiles of 64, 64, 2), 2 one row, 3 empty, 4 69 rows, 5 the
  // last 64 exactly: auto takes the tensor cores here (333 rows > 4 per expert).
  const std::vector<int32_t> off = {0, 0, 130, 131, 131, 200, 264};
  for (Elem we : {Elem::BF16, Elem::F32})
    for (ExpertsKernel kern : kAll)
      for (bool bias : {false, true}) check_grouped(kern, we, 136, 96, off, bias, 11 + bias);
}

BOOST_AUTO_TEST_CASE(qwen3_moe_expert_shapes) {
  // qwen3-30b-a3b's experts (768 x 2048 gate|up as 1536 rows, 2048 x 768 down; bf16), 12 of them
  // stored: a decode step's 8 rows each in another expert, and a batch of 8 decode tokens (64
  // rows over the 12) through auto and gemv; the down shape through the tensor cores too.
  std::vector<int32_t> decode = {0};
  for (int64_t e = 0; e < 12; ++e) decode.push_back(decode.back() + (e % 3 == 2 ? 0 : 1));
  Rng r(21);
  std::vector<int32_t> batch = {0};
  for (int64_t e = 0; e < 12; ++e)
    batch.push_back(batch.back() + (e == 11 ? 64 - batch.back() : r.index(6)));
  for (ExpertsKernel kern : {ExpertsKernel::Auto, ExpertsKernel::Gemv}) {
    check_grouped(kern, Elem::BF16, 1536, 2048, decode, false, 1);
    check_grouped(kern, Elem::BF16, 2048, 768, decode, false, 2);
    check_grouped(kern, Elem::BF16, 2048, 768, batch, false, 3);
  }
  check_grouped(ExpertsKernel::Tensor, Elem::BF16, 2048, 768, batch, false, 4);
}

BOOST_AUTO_TEST_CASE(bad_offsets_are_reported) {
  Stream& s = gpu().default_stream();
  const int64_t E = 3, N = 16, K = 32, R = 8;
  std::vector<float> x(static_cast<size_t>(R * K), 0.5f), w(static_cast<size_t>(E * N * K), 0.25f);
  for (ExpertsKernel kern : kAll) {
    KernelChoices kc;
    kc.experts = kern;
    KernelScope scope(kc);
    for (const std::vector<int32_t>& off :
         {std::vector<int32_t>{0, 5, 3, 8}, std::vector<int32_t>{0, 4, 7, 7},
          std::vector<int32_t>{1, 4, 6, 8}}) {
      Tensor out = gpu().alloc(Elem::F32, {R, N});
      gpu().grouped_linear(s, put_f32(gpu(), {R, K}, x), put(gpu(), Elem::BF16, {E, N, K}, w),
                           Tensor(), put_i32(gpu(), {E + 1}, off), out);
      BOOST_CHECK_THROW(gpu().synchronize(s), Error);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
