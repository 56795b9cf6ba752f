// add_norm (h += r; out = norm(h)): h must hold exactly the fp32 sum (one rounding, as add) and
// out the float64 reference norm of that sum within the norm's bound; and the result must equal
// add followed by norm on the same backend bit for bit (the contract: same sums), for every norm
// kind, odd widths and every weight dtype.
#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

void run(Backend& be, NormOp op, Elem we, int64_t rows, int64_t W, bool weight, bool bias) {
  Rng rng(57 + W);
  const Floats h = rng.uniform(rows * W, -3.0f, 3.0f), r = rng.uniform(rows * W, -1.0f, 2.0f);
  Floats w = weight ? rng.uniform(W) : Floats{};
  Floats b = bias ? rng.uniform(W) : Floats{};
  Tensor wt = weight ? upload_as(be, we, {W}, w) : Tensor();
  Tensor bt = bias ? upload_as(be, we, {W}, b) : Tensor();
  const NormParams p{op, 1e-5f, W};
  Stream& s = be.default_stream();
  Tensor ht = upload_f32(be, {rows, W}, h), rt = upload_f32(be, {rows, W}, r);
  Tensor out = be.alloc(Elem::F32, {rows, W});
  be.add_norm(s, ht, rt, wt, bt, out, p);
  Floats sum(h.size());
  for (size_t i = 0; i < h.size(); ++i) sum[i] = h[i] + r[i];  // fp32: one rounding
  // The unfused pair on the same backend.
  Tensor h2 = upload_f32(be, {rows, W}, h), out2 = be.alloc(Elem::F32, {rows, W});
  be.add(s, h2, rt, 1.0f, h2);
  be.norm(s, h2, wt, bt, out2, p);
  BOOST_TEST_CONTEXT("op " << static_cast<int>(op) << " " << to_string(we) << " rows=" << rows
                           << " W=" << W) {
    BOOST_TEST(fetch(be, ht) == sum, boost::test_tools::per_element());
    const Floats got = fetch(be, out);
    ARCHSCOPE_CHECK_WITHIN(got, ref_norm(sum, w, b, p));
    BOOST_TEST(got == fetch(be, out2), boost::test_tools::per_element());
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_ops_add_norm)

BOOST_AUTO_TEST_CASE(every_norm_kind_and_weight_dtype) {
  for_each_backend([](Backend& be) {
    for (Elem e : {Elem::F32, Elem::BF16, Elem::F16}) {
      run(be, NormOp::Rms, e, 3, 2048, true, false);  // the register path (d_model 2048)
      run(be, NormOp::Rms, e, 5, 1031, true, false);
      run(be, NormOp::RmsPlusOne, e, 2, 257, true, false);
      run(be, NormOp::Rms, e, 2, 4099, true, false);  // wider than the register path
      run(be, NormOp::Layer, e, 4, 771, true, true);
    }
    run(be, NormOp::Layer, Elem::F32, 2, 99, true, false);
    run(be, NormOp::Rms, Elem::F32, 6, 45, false, false);
    run(be, NormOp::L2, Elem::F32, 3, 131, false, false);
  });
}

BOOST_AUTO_TEST_CASE(refuses_overlap_and_size_mismatch) {
  for_each_backend([](Backend& be) {
    Stream& s = be.default_stream();
    const NormParams p{NormOp::Rms, 1e-5f, 8};
    Tensor h = be.alloc(Elem::F32, {2, 8}), r = be.alloc(Elem::F32, {2, 8}),
           w = be.alloc(Elem::F32, {8});
    Tensor r3 = be.alloc(Elem::F32, {3, 8}), out = be.alloc(Elem::F32, {2, 8});
    Tensor big = be.alloc(Elem::F32, {4, 8});
    Tensor shifted = big.slice_rows(1, 2), base = big.slice_rows(0, 2);
    const std::pair<std::function<void()>, const char*> bad[] = {
        {[&] { be.add_norm(s, h, r3, w, Tensor(), out, p); }, "sizes differ"},
        {[&] { be.add_norm(s, h, r, w, Tensor(), h, p); }, "out must not overlap h or r"},
        {[&] { be.add_norm(s, h, r, w, Tensor(), r, p); }, "out must not overlap h or r"},
        {[&] { be.add_norm(s, base, shifted, w, Tensor(), out, p); },
         "r must be h or not overlap it"},
        {[&] { be.add_norm(s, h, r, be.alloc(Elem::F32, {7}), Tensor(), out, p); },
         "width elements"},
    };
    for (const auto& [call, says] : bad) {
      try {
        call();
        BOOST_ERROR(std::string("add_norm accepted a bad call: ") + says);
      } catch (const Error& e) {
        BOOST_TEST(e.where() == "add_norm");
        BOOST_TEST(e.message().find(says) != std::string::npos, e.message());
      }
    }
  });
}

BOOST_AUTO_TEST_SUITE_END()
