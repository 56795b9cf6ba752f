// linear and grouped_linear on the packed formats beyond q8_0 / q4_0 — int4-g128, nf4, mxfp4
// (blocks with their scale inside, quant/packed_layout.hpp) and int8-channel, fp8-e4m3-channel
// (one-byte codes plus one fp32 scale per row in Tensor::quant), fp8-e4m3-block128 (one-byte
// codes plus one fp32 scale per row and 128 columns: the scale of the 128 x 128 block, from
// quant/pack_block128.hpp) — on every backend that says it
// runs them and every SIMD target, against a float64 reference on ŵ = quant::fake_quantize(w)
// (weight-only: activations stay fp32). Packed bytes come from quant/pack.hpp and
// quant/pack_channel.hpp, whose unpacking equals fake_quantize bit for bit (tests/quant). The
// kernels sum each block's code-value products, scale the block sum once (for the channel formats
// each 128-code chunk's sum by the row's scale) and add it to the row sum, so a term passes
// through at most K + 2 roundings: the bound is error_bound.hpp's rule with n = K + 2 (+1 with a
// bias). The CPU's dequantization of the packed bytes (the prefill path's panels) equals
// fake_quantize bit for bit on every target.
#include <bit>
#include <cmath>

#include "conformance.hpp"
#include "cpu/simd/packed_format_kernels.hpp"
#include "quant/formats.hpp"
#include "quant/pack.hpp"
#include "quant/pack_block128.hpp"
#include "quant/pack_channel.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

struct Fmt {
  Elem elem;
  quant::Format format;
};
const Fmt kFormats[] = {{Elem::INT4_G128, quant::Format::Int4G128},
                        {Elem::NF4, quant::Format::Nf4},
                        {Elem::MXFP4, quant::Format::Mxfp4},
                        {Elem::INT8_CHANNEL, quant::Format::Int8Channel},
                        {Elem::FP8_CHANNEL, quant::Format::Fp8E4M3Channel},
                        {Elem::FP8_BLOCK128, quant::Format::Fp8E4M3Block128}};

// The packed tensor of w (shape [..., K]), with its row scales for the channel formats.
Tensor upload_packed(Backend& be, const Fmt& f, const Shape& shape, const std::vector<float>& w) {
  const int64_t K = shape.back(), N = static_cast<int64_t>(w.size()) / K;
  Tensor t = be.alloc(f.elem, shape);
  if (f.format == quant::Format::Fp8E4M3Block128) {
    const std::vector<float> scales = quant::block128_row_scales(w, N, K);
    BOOST_REQUIRE_EQUAL(scales.size(), static_cast<size_t>(N * ((K + 127) / 128)));
    std::vector<uint8_t> codes(static_cast<size_t>(N * K));
    quant::pack_block128_rows(w, scales, N, K, codes);
    BOOST_REQUIRE_EQUAL(t.bytes(), codes.size());
    be.upload(be.default_stream(), codes.data(), t);
    Tensor s = upload_f32(be, {static_cast<int64_t>(scales.size())}, scales);
    t.quant.block = 128;
    t.quant.scales = s.buffer();
  } else if (quant::has_row_scales(f.format)) {
    std::vector<uint8_t> codes(static_cast<size_t>(N * K));
    std::vector<float> scales(static_cast<size_t>(N));
    quant::pack_channel_rows(f.format, w, N, K, codes, scales);
    BOOST_REQUIRE_EQUAL(t.bytes(), codes.size());
    be.upload(be.default_stream(), codes.data(), t);
    Tensor s = upload_f32(be, {N}, scales);
    t.quant.block = K;
    t.quant.scales = s.buffer();
  } else {
    std::vector<uint8_t> bytes(quant::packed_bytes(f.format, N, K));
    quant::pack_rows(f.format, w, N, K, bytes);
    BOOST_REQUIRE_EQUAL(t.bytes(), bytes.size());
    be.upload(be.default_stream(), bytes.data(), t);
  }
  be.synchronize(be.default_stream());
  return t;
}

Expected reference(const Floats& x, const Floats& wq, const Floats& b, int64_t T, int64_t K,
                   int64_t N) {
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

void run(Backend& be, const Fmt& f, int64_t T, int64_t K, int64_t N, bool bias, uint64_t seed,
         float wmax = 0.1f) {
  Rng rng(seed);
  const Floats x = rng.uniform(T * K), w = rng.uniform(N * K, -wmax, wmax);
  const Floats b = bias ? rng.uniform(N) : Floats{};
  const Floats wq = quant::fake_quantize(f.format, w, N, K);
  Tensor xt = upload_f32(be, {T, K}, x), wt = upload_packed(be, f, {N, K}, w);
  Tensor bt = bias ? upload_f32(be, {N}, b) : Tensor();
  Tensor y = be.alloc(Elem::F32, {T, N});
  be.linear(be.default_stream(), xt, wt, bt, y);
  BOOST_TEST_CONTEXT(to_string(f.elem)
                     << " T=" << T << " K=" << K << " N=" << N << (bias ? " bias" : "")) {
    ARCHSCOPE_CHECK_WITHIN(fetch(be, y), reference(x, wq, b, T, K, N));
  }
}

void for_each_packed_backend(const std::function<void(Backend&, const Fmt&)>& body) {
  for_each_backend([&](Backend& be) {
    for (const Fmt& f : kFormats)
      if (be.supports_packed(f.elem)) body(be, f);
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_ops_linear_packed_formats)

// The CPU runs all six packed.
BOOST_AUTO_TEST_CASE(cpu_runs_every_format_packed) {
  for (const BackendUnderTest& b : cpu_backends()) {
    const auto be = b.make();
    for (const Fmt& f : kFormats) BOOST_TEST(be->supports_packed(f.elem), to_string(f.elem));
  }
}

// Decode sizes (T < 16): K with partial last blocks of every block size (32, 64, 128), odd N,
// 1 to 7 tokens.
BOOST_AUTO_TEST_CASE(decode_gemv_odd_shapes) {
  for_each_packed_backend([](Backend& be, const Fmt& f) {
    run(be, f, 1, 128, 1, false, 1);
    run(be, f, 1, 1, 3, true, 2);
    run(be, f, 1, 77, 53, true, 3);
    run(be, f, 2, 301, 29, false, 4);
    run(be, f, 7, 129, 67, true, 5);
    run(be, f, 1, 4103, 9, false, 6);
    run(be, f, 3, 2048, 33, true, 7);
    run(be, f, 4, 200, 18, false, 8);
    run(be, f, 2, 96, 5, false, 9, 1e-5f);  // subnormal fp16 scales of int4-g128
    run(be, f, 2, 260, 300, true, 10);      // three 128-row blocks, the last partial
  });
}

// Prefill sizes (T >= 16: dequantized panels through the fp32 GEMM): partial token and weight
// panels, a ragged last k block, several tasks.
BOOST_AUTO_TEST_CASE(prefill_gemm_odd_shapes) {
  for_each_packed_backend([](Backend& be, const Fmt& f) {
    run(be, f, 16, 33, 1, false, 11);
    run(be, f, 37, 211, 45, true, 12);
    run(be, f, 64, 1025, 67, true, 13);
    run(be, f, 19, 4100, 13, false, 14);
    run(be, f, 17, 96, 40, true, 16, 1e-5f);
    run(be, f, 20, 385, 257, false, 17);  // 128 x 128 blocks of both partial edges
  });
}

// MoE experts: [E, N, K] packed; each expert's slice (its row scales too) against its own rows.
BOOST_AUTO_TEST_CASE(grouped_linear_packed_experts) {
  for_each_packed_backend([](Backend& be, const Fmt& f) {
    const int64_t E = 3, K = 197, N = 21;
    for (const std::vector<int32_t>& off :
         {std::vector<int32_t>{0, 2, 2, 5}, std::vector<int32_t>{0, 17, 18, 40}}) {
      const int64_t R = off.back();
      Rng rng(static_cast<uint64_t>(R));
      Floats x = rng.uniform(R * K), w = rng.uniform(E * N * K, -0.1f, 0.1f),
             b = rng.uniform(E * N);
      for (int64_t i = N * K; i < 2 * N * K; ++i) w[i] *= 1e-3f;  // experts of unequal scale
      const Floats wq = quant::fake_quantize(f.format, w, E * N, K);
      Tensor wt = upload_packed(be, f, {E, N, K}, w), y = be.alloc(Elem::F32, {R, N});
      be.grouped_linear(be.default_stream(), upload_f32(be, {R, K}, x), wt,
                        upload_f32(be, {E, N}, b), upload_i32(be, {E + 1}, off), y);
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
      BOOST_TEST_CONTEXT(to_string(f.elem) << " rows " << R) {
        ARCHSCOPE_CHECK_WITHIN(fetch(be, y), want);
      }
    }
  });
}

// The prefill's dequantized panels: bit for bit fake_quantize (±0 aside) on every CPU target,
// partial last blocks included.
BOOST_AUTO_TEST_CASE(cpu_dequantization_is_fake_quantize) {
  for_each_backend([](Backend& be) {
    if (std::string(be.name()) != "cpu") return;
    for (const Fmt& f : kFormats)
      for (auto [N, K] :
           {std::pair<int64_t, int64_t>{3, 1}, {5, 77}, {2, 256}, {4, 333}, {131, 259}}) {
        Rng rng(static_cast<uint64_t>(N * 100 + K));
        const Floats w = rng.uniform(N * K, -0.3f, 0.3f);
        const Floats want = quant::fake_quantize(f.format, w, N, K);
        Tensor t = upload_packed(be, f, {N, K}, w);
        const auto* p = static_cast<const uint8_t*>(t.buffer()->handle());
        const float* rs = elem_has_row_scales(f.elem)
                              ? static_cast<const float*>(t.quant.scales->handle())
                              : nullptr;
        std::vector<float> got(static_cast<size_t>(N * (K + 3)), -1.0f);
        cpu::packed_format_dequantize_rows(p, f.elem, elem_row_bytes(f.elem, K), rs, N, K,
                                           got.data(), K + 3);
        size_t bad = 0;
        for (int64_t n = 0; n < N; ++n)
          for (int64_t k = 0; k < K; ++k)
            bad += std::bit_cast<uint32_t>(got[static_cast<size_t>(n * (K + 3) + k)] + 0.0f) !=
                   std::bit_cast<uint32_t>(want[static_cast<size_t>(n * K + k)] + 0.0f);
        BOOST_TEST(bad == 0u, to_string(f.elem) << " [" << N << ", " << K << "]");
      }
  });
}

// A row slice of a packed tensor with row scales (how the loader cuts q / k / v and experts)
// reads its own rows' scales: fp8-e4m3-block128 rows 70..169 of [300, 260] cut across two
// 128-row blocks, the channel formats likewise.
BOOST_AUTO_TEST_CASE(row_slices_read_their_rows_scales) {
  for_each_packed_backend([](Backend& be, const Fmt& f) {
    if (!elem_has_row_scales(f.elem)) return;
    const int64_t N = 300, K = 260, T = 3, r0 = 70, rows = 100;
    Rng rng(21);
    const Floats x = rng.uniform(T * K), w = rng.uniform(N * K, -0.1f, 0.1f);
    const Floats wq = quant::fake_quantize(f.format, w, N, K);
    Tensor wt = upload_packed(be, f, {N, K}, w).slice_rows(r0, rows);
    Tensor y = be.alloc(Elem::F32, {T, rows});
    be.linear(be.default_stream(), upload_f32(be, {T, K}, x), wt, Tensor(), y);
    const Floats ws(wq.begin() + r0 * K, wq.begin() + (r0 + rows) * K);
    BOOST_TEST_CONTEXT(to_string(f.elem)) {
      ARCHSCOPE_CHECK_WITHIN(fetch(be, y), reference(x, ws, Floats{}, T, K, rows));
    }
  });
}

// A channel tensor without its row scales is refused (typed, naming the format), not read.
BOOST_AUTO_TEST_CASE(channel_weights_need_their_scales) {
  for_each_backend([](Backend& be) {
    if (!be.supports_packed(Elem::INT8_CHANNEL)) return;
    Tensor x = upload_f32(be, {1, 64}, Floats(64, 1.0f)), y = be.alloc(Elem::F32, {1, 4});
    Tensor w = be.alloc(Elem::INT8_CHANNEL, {4, 64});
    BOOST_TEST(w.bytes() == 4u * 64u);
    try {
      be.linear(be.default_stream(), x, w, Tensor(), y);
      BOOST_ERROR("int8-channel weights without scales accepted");
    } catch (const Error& e) {
      BOOST_TEST(std::string(e.message()).find("int8-channel") != std::string::npos, e.message());
    }
  });
}

BOOST_AUTO_TEST_SUITE_END()
