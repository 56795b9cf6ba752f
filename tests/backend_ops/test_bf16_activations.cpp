// BF16 activations (Backend::linear_input_elem): a norm, add_norm or GLU writing bf16 holds the
// float64 reference within the op's own bound plus one rounding to bf16 (u = 2^-8 of the
// computed value), and equals, bit for bit, its fp32 result on the same backend rounded to
// nearest even by this file's own converter (host_tensors.hpp), so handing a GEMM the producer's
// bf16 changes no value against converting the fp32 output; a linear reading a bf16 x holds the
// reference of the stored x values, for every weight dtype; and the contracts refuse the rest.
#include <functional>

#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

// e's values rounded once more, to bf16: |round(y) - y| <= u_bf16 |y| and |y| <= |v| + bound.
Expected rounded_to_bf16(Expected e) {
  for (size_t i = 0; i < e.value.size(); ++i)
    e.bound[i] += kUBf16 * (std::abs(e.value[i]) + e.bound[i]);
  return e;
}

Floats fetch_bf16(Backend& be, const Tensor& t) {
  const std::vector<uint16_t> bits = fetch<uint16_t>(be, t);
  Floats v(bits.size());
  for (size_t i = 0; i < bits.size(); ++i) v[i] = from_bf16(bits[i]);
  return v;
}

std::vector<uint16_t> to_bf16_bits(const Floats& f) {
  std::vector<uint16_t> b(f.size());
  for (size_t i = 0; i < f.size(); ++i) b[i] = bf16_bits(f[i]);
  return b;
}

void norm_case(Backend& be, NormOp op, int64_t rows, int64_t W, bool fused) {
  Rng rng(91 + W + rows);
  Floats x = rng.uniform(rows * W, -3.0f, 3.0f), r = rng.uniform(rows * W, -1.0f, 1.0f);
  Floats w = rng.uniform(W), b = op == NormOp::Layer ? rng.uniform(W) : Floats{};
  Tensor wt = upload_as(be, Elem::BF16, {W}, w);
  Tensor bt = b.empty() ? Tensor() : upload_as(be, Elem::BF16, {W}, b);
  const NormParams p{op, 1e-5f, W};
  Stream& s = be.default_stream();
  Tensor out = be.alloc(Elem::BF16, {rows, W}), out32 = be.alloc(Elem::F32, {rows, W});
  Floats normed_input = x;
  if (fused) {
    Tensor h = upload_f32(be, {rows, W}, x), h2 = upload_f32(be, {rows, W}, x);
    Tensor rt = upload_f32(be, {rows, W}, r);
    be.add_norm(s, h, rt, wt, bt, out, p);
    be.add_norm(s, h2, rt, wt, bt, out32, p);
    for (size_t i = 0; i < x.size(); ++i) normed_input[i] = x[i] + r[i];  // fp32: one rounding
    BOOST_TEST(fetch(be, h) == normed_input, boost::test_tools::per_element());
  } else {
    Tensor xt = upload_f32(be, {rows, W}, x);
    be.norm(s, xt, wt, bt, out, p);
    be.norm(s, xt, wt, bt, out32, p);
  }
  BOOST_TEST_CONTEXT((fused ? "add_norm" : "norm")
                     << " op " << static_cast<int>(op) << " rows=" << rows << " W=" << W) {
    ARCHSCOPE_CHECK_WITHIN(fetch_bf16(be, out), rounded_to_bf16(ref_norm(normed_input, w, b, p)));
    BOOST_TEST(fetch<uint16_t>(be, out) == to_bf16_bits(fetch(be, out32)),
               boost::test_tools::per_element());
  }
}

void glu_case(Backend& be, int64_t T, int64_t F) {
  Rng rng(97 + T * F);
  const Floats x = rng.uniform(T * 2 * F, -10, 10);
  Tensor xt = upload_f32(be, {T, 2 * F}, x);
  Tensor out = be.alloc(Elem::BF16, {T, F}), out32 = be.alloc(Elem::F32, {T, F});
  for (GluLayout layout : {GluLayout::Halves, GluLayout::Interleaved})
    for (GluKind kind :
         {GluKind::SwiGlu, GluKind::GeGluTanh, GluKind::GeGluExact, GluKind::SwiGluClamped}) {
      const GluParams p{kind, layout, 7.0f, 1.702f};
      be.glu(be.default_stream(), xt, out, p);
      be.glu(be.default_stream(), xt, out32, p);
      BOOST_TEST_CONTEXT("T=" << T << " F=" << F << " kind " << static_cast<int>(kind) << " layout "
                              << static_cast<int>(layout)) {
        ARCHSCOPE_CHECK_WITHIN(fetch_bf16(be, out), rounded_to_bf16(ref_glu(x, T, p)));
        BOOST_TEST(fetch<uint16_t>(be, out) == to_bf16_bits(fetch(be, out32)),
                   boost::test_tools::per_element());
      }
    }
}

void linear_case(Backend& be, Elem we, int64_t T, int64_t K, int64_t N, bool bias) {
  Rng rng(101 + T * K + N);
  Floats x = rng.uniform(T * K), w = rng.uniform(N * K);
  const Floats b = bias ? rng.uniform(N) : Floats{};
  Tensor xt = upload_as(be, Elem::BF16, {T, K}, x);  // x now holds the stored bf16 values
  Tensor wt = upload_as(be, we, {N, K}, w);
  Tensor bt = bias ? upload_f32(be, {N}, b) : Tensor();
  Tensor y = be.alloc(Elem::F32, {T, N});
  be.linear(be.default_stream(), xt, wt, bt, y);
  BOOST_TEST_CONTEXT("x bf16, w " << to_string(we) << " T=" << T << " K=" << K << " N=" << N) {
    ARCHSCOPE_CHECK_WITHIN(fetch(be, y), ref_linear(x, w, b, T, K, N));
  }
}

void refused(Backend& be, const std::function<void()>& call, const char* op,
             const std::string& says) {
  try {
    call();
    be.synchronize(be.default_stream());
    BOOST_ERROR(std::string(op) + ": accepted a call that breaks its contract (" + says + ")");
  } catch (const Error& e) {
    BOOST_TEST_CONTEXT(e.what()) {
      BOOST_TEST((e.kind() == ErrorKind::Validation));
      BOOST_TEST(std::string(e.what()).find(op) != std::string::npos);
      BOOST_TEST(std::string(e.what()).find(says) != std::string::npos);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_ops_bf16_activations)

BOOST_AUTO_TEST_CASE(norm_and_add_norm_write_bf16) {
  for_each_backend([](Backend& be) {
    for (bool fused : {false, true}) {
      norm_case(be, NormOp::Rms, 37, 2048, fused);  // prefill rows, the register path
      norm_case(be, NormOp::Rms, 3, 1031, fused);
      norm_case(be, NormOp::Rms, 2, 4099, fused);  // wider than the register path
      norm_case(be, NormOp::RmsPlusOne, 4, 257, fused);
      norm_case(be, NormOp::Layer, 5, 771, fused);
    }
  });
}

BOOST_AUTO_TEST_CASE(glu_writes_bf16) {
  for_each_backend([](Backend& be) {
    glu_case(be, 37, 1028);  // the CUDA backend's 2-D kernel (16+ rows, F % 4 == 0)
    glu_case(be, 5, 97);     // its grid-stride kernel
  });
}

BOOST_AUTO_TEST_CASE(linear_reads_bf16_x_for_every_weight_dtype) {
  for_each_backend([](Backend& be) {
    for (Elem e : {Elem::F32, Elem::BF16, Elem::F16}) {
      linear_case(be, e, 1, 77, 53, true);
      linear_case(be, e, 7, 129, 67, false);
      linear_case(be, e, 37, 211, 45, true);
    }
  });
}

BOOST_AUTO_TEST_CASE(contracts_refuse_other_activation_types) {
  for_each_backend([](Backend& be) {
    Stream& s = be.default_stream();
    Tensor x = be.alloc(Elem::F32, {4, 16}), w = be.alloc(Elem::F32, {16});
    const NormParams p{NormOp::Rms, 1e-5f, 16};
    be.fill(s, x, 1.0f);
    be.fill(s, w, 1.0f);
    Tensor f16 = be.alloc(Elem::F16, {4, 16});
    refused(
        be, [&] { be.norm(s, x, w, Tensor(), f16, p); }, "norm",
        "out is fp16, expected fp32 or bf16");
    // A bf16 row is shorter than the fp32 row it comes from: never in place.
    Tensor over(x.buffer(), Elem::BF16, {4, 16}, x.byte_offset());
    refused(
        be, [&] { be.norm(s, x, w, Tensor(), over, p); }, "norm", "must not overlap");
    Tensor wl = be.alloc(Elem::F32, {3, 16}), y = be.alloc(Elem::F32, {4, 3});
    refused(
        be, [&] { be.linear(s, f16, wl, Tensor(), y); }, "linear",
        "x is fp16, expected fp32 or bf16");
    Tensor gu = be.alloc(Elem::F32, {4, 16}), go = be.alloc(Elem::F16, {4, 8});
    refused(
        be, [&] { be.glu(s, gu, go, GluParams{}); }, "glu", "out is fp16, expected fp32 or bf16");
  });
}

BOOST_AUTO_TEST_SUITE_END()
