// linear and grouped_linear on packed q8_0 / q4_0 weights (quant/packed_layout.hpp), on every
// backend that says it runs them (Backend::supports_packed) and every SIMD target: against a
// float64 reference on the dequantized weights ŵ = quant::fake_quantize(w) (weight-only
// quantization: the activations stay fp32). The kernels sum each block's products, scale the
// block sum once and add it to the row sum, so a term passes through at most K + 2 roundings (K
// for the sums, one for the scale, one for a partial last block's scalar sum): the bound is
// λ·√(K + 2)·u·Σ|x·ŵ| (plus the bias term), error_bound.hpp's rule with n = K + 2.
// Backends without a packed kernel must refuse such a tensor with Error(Unsupported).
#include <cmath>

#include "conformance.hpp"
#include "quant/formats.hpp"
#include "quant/pack.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

quant::Format format_of(Elem e) {
  return e == Elem::Q8_0 ? quant::Format::Q8_0 : quant::Format::Q4_0;
}

Tensor upload_packed(Backend& be, Elem e, const Shape& shape, const std::vector<float>& w) {
  const int64_t K = shape.back(), N = static_cast<int64_t>(w.size()) / K;
  std::vector<uint8_t> bytes(quant::packed_bytes(format_of(e), N, K));
  quant::pack_rows(format_of(e), w, N, K, bytes);
  Tensor t = be.alloc(e, shape);
  BOOST_REQUIRE_EQUAL(t.bytes(), bytes.size());
  be.upload(be.default_stream(), bytes.data(), t);
  be.synchronize(be.default_stream());
  return t;
}

// y[t][n] = sum_k x[t][k] ŵ[n][k] (+ b[n]) in float64, bounded as the top of the file says.
Expected reference(const Floats& x, const Floats& wq, const Floats& b, int64_t T, int64_t K, int64_t N) {
  Expected y;
  for (int64_t t = 0; t < T; ++t)
    for (int64_t n = 0; n < N; ++n) {
      double v = b.empty() ? 0.0 : b[n], mag = std::abs(v);
      for (int64_t k = 0; k < K; ++k) {
        const double p = static_cast<double>(x[t * K + k]) * wq[n * K + k];
        v += p;
        mag += std::abs(p);
      }
      y.push({v, sum_bound_factor(static_cast<size_t>(K + 2 + (b.empty() ? 0 : 1))) * mag});
    }
  return y;
}

// wmax: the weights' magnitude; 1e-5 gives blocks whose fp16 scale is subnormal (< 2^-14).
void run(Backend& be, Elem e, int64_t T, int64_t K, int64_t N, bool bias, uint64_t seed,
         float wmax = 0.1f) {
  Rng rng(seed);
  const Floats x = rng.uniform(T * K), w = rng.uniform(N * K, -wmax, wmax);
  const Floats b = bias ? rng.uniform(N) : Floats{};
  const Floats wq = quant::fake_quantize(format_of(e), w, N, K);
  Tensor xt = upload_f32(be, {T, K}, x), wt = upload_packed(be, e, {N, K}, w);
  Tensor bt = bias ? upload_f32(be, {N}, b) : Tensor();
  Tensor y = be.alloc(Elem::F32, {T, N});
  be.linear(be.default_stream(), xt, wt, bt, y);
  BOOST_TEST_CONTEXT(to_string(e) << " T=" << T << " K=" << K << " N=" << N << (bias ? " bias" : "")) {
    ARCHSCOPE_CHECK_WITHIN(fetch(be, y), reference(x, wq, b, T, K, N));
  }
}

void for_each_packed_backend(const std::function<void(Backend&, Elem)>& body) {
  for_each_backend([&](Backend& be) {
    for (Elem e : {Elem::Q8_0, Elem::Q4_0})
      if (be.supports_packed(e)) body(be, e);
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_ops_linear_packed)

// Decode sizes (T < 16: the weight-streaming GEMV): K with a partial last block, odd N, 1 to 7
// tokens (one and two passes of four).
BOOST_AUTO_TEST_CASE(decode_gemv_odd_shapes) {
  for_each_packed_backend([](Backend& be, Elem e) {
    run(be, e, 1, 32, 1, false, 1);
    run(be, e, 1, 1, 3, true, 2);
    run(be, e, 1, 77, 53, true, 3);
    run(be, e, 2, 301, 29, false, 4);
    run(be, e, 7, 129, 67, true, 5);
    run(be, e, 1, 4103, 9, false, 6);
    run(be, e, 3, 2048, 33, true, 7);
    run(be, e, 2, 96, 5, false, 8, 1e-5f);  // subnormal block scales
  });
}

// Prefill sizes (T >= 16: dequantized panels through the fp32 GEMM): partial token panels,
// partial 32-row weight panels, several 256-wide k blocks with a ragged last one, several tasks.
BOOST_AUTO_TEST_CASE(prefill_gemm_odd_shapes) {
  for_each_packed_backend([](Backend& be, Elem e) {
    run(be, e, 16, 33, 1, false, 11);
    run(be, e, 37, 211, 45, true, 12);
    run(be, e, 64, 1025, 67, true, 13);
    run(be, e, 19, 4100, 13, false, 14);
    run(be, e, 64, 64, 301, false, 15);
    run(be, e, 17, 96, 40, true, 16, 1e-5f);  // subnormal block scales
  });
}

// MoE experts: [E, N, K] packed, each expert's grouped rows against its own slice.
BOOST_AUTO_TEST_CASE(grouped_linear_packed_experts) {
  for_each_packed_backend([](Backend& be, Elem e) {
    const int64_t E = 3, K = 97, N = 21;
    for (const std::vector<int32_t>& off : {std::vector<int32_t>{0, 2, 2, 5}, std::vector<int32_t>{0, 17, 18, 40}}) {
      const int64_t R = off.back();
      Rng rng(static_cast<uint64_t>(R));
      const Floats x = rng.uniform(R * K), w = rng.uniform(E * N * K, -0.1f, 0.1f), b = rng.uniform(E * N);
      const Floats wq = quant::fake_quantize(format_of(e), w, E * N, K);
      Tensor wt = upload_packed(be, e, {E, N, K}, w), y = be.alloc(Elem::F32, {R, N});
      be.grouped_linear(be.default_stream(), upload_f32(be, {R, K}, x), wt, upload_f32(be, {E, N}, b),
                        upload_i32(be, {E + 1}, off), y);
      Expected want;
      for (int64_t ex = 0; ex < E; ++ex) {
        const int64_t r0 = off[ex], rows = off[ex + 1] - off[ex];
        const Floats xe(x.begin() + r0 * K, x.begin() + (r0 + rows) * K);
        const Floats we(wq.begin() + ex * N * K, wq.begin() + (ex + 1) * N * K);
        const Floats be_(b.begin() + ex * N, b.begin() + (ex + 1) * N);
        const Expected part = reference(xe, we, be_, rows, K, N);
        want.value.insert(want.value.end(), part.value.begin(), part.value.end());
        want.bound.insert(want.bound.end(), part.bound.begin(), part.bound.end());
      }
      BOOST_TEST_CONTEXT(to_string(e) << " rows " << R) { ARCHSCOPE_CHECK_WITHIN(fetch(be, y), want); }
    }
  });
}

// A backend without the kernel refuses the tensor (typed Unsupported, naming the format); every
// backend refuses packed weights where only float weights are allowed (head_linear).
BOOST_AUTO_TEST_CASE(refusals_are_typed) {
  for_each_backend([](Backend& be) {
    Stream& s = be.default_stream();
    Tensor x = upload_f32(be, {2, 64}, Floats(128, 1.0f)), y = be.alloc(Elem::F32, {2, 4});
    for (Elem e : {Elem::Q8_0, Elem::Q4_0}) {
      Tensor w = be.alloc(e, {4, 64});
      BOOST_TEST(w.bytes() == 4u * 2u * (e == Elem::Q8_0 ? 34u : 18u));
      if (!be.supports_packed(e)) {
        try {
          be.linear(s, x, w, Tensor(), y);
          BOOST_ERROR("a backend without a packed kernel accepted " << to_string(e));
        } catch (const Error& err) {
          BOOST_TEST((err.kind() == ErrorKind::Unsupported));
          BOOST_TEST(std::string(err.message()).find(to_string(e)) != std::string::npos);
        }
      }
      Tensor hx = be.alloc(Elem::F32, {1, 4, 64}), hy = be.alloc(Elem::F32, {1, 4, 2});
      Tensor hw = be.alloc(e, {4, 2, 64});
      BOOST_CHECK_THROW(be.head_linear(s, hx, hw, hy), Error);
    }
  });
}

BOOST_AUTO_TEST_SUITE_END()
