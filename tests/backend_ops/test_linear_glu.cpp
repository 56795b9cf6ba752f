// linear_glu (out = glu(x . w^T + b), w [2F, K]) against the float64 reference: every weight
// dtype, both layouts, every GLU kind, with and without bias. The sizes reach each path of the
// CUDA op: decode rows with K a multiple of the 16-byte chunk (the fused GEMV, one to four warps
// per weight row, and K = 8200 past the four warps' single round), K odd and T past 8 (linear
// then glu), F not a multiple of the outputs a block takes.
#include <cmath>
#include <functional>
#include <string>

#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

Tensor& lvalue(Tensor&& t) {
  return t;
}

void run(Backend& be, Elem we, int64_t T, int64_t K, int64_t F, bool bias, const GluParams& p,
         uint64_t seed) {
  Rng rng(seed);
  auto x = rng.uniform(T * K);
  auto w = rng.uniform(2 * F * K);
  Floats b = bias ? rng.uniform(2 * F) : Floats{};
  Tensor xt = upload_f32(be, {T, K}, x);
  Tensor wt = upload_as(be, we, {2 * F, K}, w);
  Tensor bt = bias ? upload_f32(be, {2 * F}, b) : Tensor();
  Tensor y = be.alloc(Elem::F32, {T, F});
  be.linear_glu(be.default_stream(), xt, wt, bt, y, p);
  BOOST_TEST_CONTEXT(to_string(we)
                     << " T=" << T << " K=" << K << " F=" << F << (bias ? " bias" : "") << " kind "
                     << static_cast<int>(p.kind) << " layout " << static_cast<int>(p.layout)) {
    ARCHSCOPE_CHECK_WITHIN(fetch(be, y), ref_linear_glu(x, w, b, T, K, F, p));
  }
}

// The GLU's inputs are sums of K products of values in [-1, 1]; scaling the gpt-oss limit with
// sqrt(K) keeps both sides of its clamps in play.
GluParams params(GluKind kind, GluLayout layout, int64_t K) {
  return {kind, layout, 0.3f * std::sqrt(static_cast<float>(K)), 1.702f};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_ops_linear_glu)

BOOST_AUTO_TEST_CASE(decode_rows_every_dtype_kind_and_layout) {
  for_each_backend([](Backend& be) {
    uint64_t seed = 100;
    for (Elem e : {Elem::F32, Elem::BF16, Elem::F16})
      for (GluLayout layout : {GluLayout::Halves, GluLayout::Interleaved})
        for (GluKind kind :
             {GluKind::SwiGlu, GluKind::GeGluTanh, GluKind::GeGluExact, GluKind::SwiGluClamped}) {
          run(be, e, 1, 256, 97, kind == GluKind::SwiGlu, params(kind, layout, 256), ++seed);
          run(be, e, 3, 136, 13, kind != GluKind::SwiGlu, params(kind, layout, 136), ++seed);
        }
  });
}

BOOST_AUTO_TEST_CASE(long_rows_split_over_warps) {
  for_each_backend([](Backend& be) {
    const GluParams p = params(GluKind::SwiGlu, GluLayout::Halves, 4096);
    run(be, Elem::BF16, 1, 2056, 21, true, p, 1);  // two warps per row
    run(be, Elem::BF16, 2, 4104, 9, false, p, 2);  // four
    run(be, Elem::BF16, 1, 8200, 7, true, p, 3);   // four, a second round of loads
    run(be, Elem::F16, 8, 4104, 5, true, p, 4);    // the widest decode tile
    run(be, Elem::F32, 5, 2052, 11, false, params(GluKind::GeGluTanh, GluLayout::Interleaved, 2052),
        5);
  });
}

BOOST_AUTO_TEST_CASE(other_shapes_take_linear_then_glu) {
  for_each_backend([](Backend& be) {
    run(be, Elem::BF16, 1, 77, 19, true, params(GluKind::SwiGlu, GluLayout::Halves, 77),
        11);  // K odd
    run(be, Elem::F32, 9, 64, 10, false, params(GluKind::GeGluExact, GluLayout::Halves, 64), 12);
    run(be, Elem::BF16, 37, 211, 45, true,
        params(GluKind::SwiGluClamped, GluLayout::Interleaved, 211), 13);
  });
}

BOOST_AUTO_TEST_CASE(empty_batch_and_refusals) {
  for_each_backend([](Backend& be) {
    Stream& s = be.default_stream();
    Tensor x0 = be.alloc(Elem::F32, {0, 8}), w = upload_f32(be, {6, 8}, Floats(48, 1.0f));
    Tensor y0 = be.alloc(Elem::F32, {0, 3});
    BOOST_CHECK_NO_THROW(be.linear_glu(s, x0, w, Tensor(), y0, {}));
    Tensor x = be.alloc(Elem::F32, {2, 8}), y = be.alloc(Elem::F32, {2, 3});
    auto refused = [&](const std::function<void()>& call, const std::string& says) {
      try {
        call();
        BOOST_ERROR("linear_glu accepted a bad call: " << says);
      } catch (const Error& e) {
        BOOST_TEST(e.where() == "linear_glu");
        BOOST_TEST(e.message().find(says) != std::string::npos, e.message());
      }
    };
    refused(
        [&] {
          be.linear_glu(s, x, upload_f32(be, {5, 8}, Floats(40, 1.0f)), Tensor(), y, {});
        },
        "must be [2F, K]");
    refused(
        [&] {
          be.linear_glu(s, x, w, Tensor(), lvalue(be.alloc(Elem::F32, {2, 6})), {});
        },
        "out has shape [2, 6], expected [2, 3]");
    refused([&] { be.linear_glu(s, x, w, be.alloc(Elem::F32, {3}), y, {}); }, "bias");
    refused(
        [&] {
          be.linear_glu(s, x, upload_f32(be, {6, 7}, Floats(42, 1.0f)), Tensor(), y, {});
        },
        "does not match x");
  });
}

BOOST_AUTO_TEST_SUITE_END()
