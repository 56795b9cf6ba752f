// fill, copy and scale: bit-exact where the op only moves data, within the bound where it rounds.
#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_ops_memory)

BOOST_AUTO_TEST_CASE(fill_writes_every_element) {
  for_each_backend([](Backend& be) {
    Tensor f = upload_f32(be, {3, 7}, Floats(21, 9.0f));
    be.fill(be.default_stream(), f, -2.5f);
    BOOST_TEST(fetch(be, f) == Floats(21, -2.5f), boost::test_tools::per_element());
    Tensor big = be.alloc(Elem::F32, {100003});  // split over threads
    be.fill(be.default_stream(), big, 0.0f);
    BOOST_TEST(fetch(be, big) == Floats(100003, 0.0f), boost::test_tools::per_element());
    Tensor i = upload_i32(be, {5}, {1, 2, 3, 4, 5});
    be.fill(be.default_stream(), i, -7.0f);
    BOOST_TEST(fetch<int32_t>(be, i) == Ints(5, -7), boost::test_tools::per_element());
    BOOST_CHECK_THROW(be.fill(be.default_stream(), i, 0.5f), Error);
  });
}

BOOST_AUTO_TEST_CASE(copy_any_element_type) {
  for_each_backend([](Backend& be) {
    Rng rng(3);
    Floats v = rng.uniform(33);
    Tensor a = upload_as(be, Elem::BF16, {3, 11}, v);
    Tensor b = be.alloc(Elem::BF16, {33});
    be.copy(be.default_stream(), a, b);
    BOOST_TEST(fetch<uint16_t>(be, a) == fetch<uint16_t>(be, b), boost::test_tools::per_element());
    Tensor ia = upload_i32(be, {4}, {7, -1, 0, 1 << 30}), ib = be.alloc(Elem::I32, {2, 2});
    be.copy(be.default_stream(), ia, ib);
    BOOST_TEST(fetch<int32_t>(be, ib) == (Ints{7, -1, 0, 1 << 30}),
               boost::test_tools::per_element());
    // Disjoint views of one buffer are fine, the same view is a no-op.
    Tensor buf = upload_f32(be, {10}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    Tensor tail = buf.slice_rows(6, 4);
    be.copy(be.default_stream(), buf.slice_rows(0, 4), tail);
    BOOST_TEST(fetch(be, buf) == (Floats{0, 1, 2, 3, 4, 5, 0, 1, 2, 3}),
               boost::test_tools::per_element());
    BOOST_CHECK_NO_THROW(be.copy(be.default_stream(), buf, buf));
  });
}

BOOST_AUTO_TEST_CASE(scale_whole_and_per_row_in_place) {
  for_each_backend([](Backend& be) {
    Rng rng(4);
    const int64_t R = 5, W = 9;
    auto x = rng.uniform(R * W), r = rng.uniform(R);
    Tensor xt = upload_f32(be, {R, W}, x);
    be.scale(be.default_stream(), xt, 0.75f, upload_f32(be, {R}, r), xt);
    ARCHSCOPE_CHECK_WITHIN(fetch(be, xt), ref_scale(x, 0.75f, r, W));
    Tensor z = upload_f32(be, {R, W}, x), out = be.alloc(Elem::F32, {R, W});
    be.scale(be.default_stream(), z, -3.0f, Tensor(), out);
    ARCHSCOPE_CHECK_WITHIN(fetch(be, out), ref_scale(x, -3.0f, {}, W));
  });
}

BOOST_AUTO_TEST_SUITE_END()
