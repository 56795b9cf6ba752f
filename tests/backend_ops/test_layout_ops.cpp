#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

// concat_last and slice_last: pure data movement, so every element must equal the host-indexed
// source exactly.
BOOST_AUTO_TEST_SUITE(backend_ops_layout_ops)

namespace {

void concat(Backend& be, int64_t R, int64_t M, int64_t Ma, int64_t Mb, int64_t A, int64_t B) {
  Rng rng(static_cast<uint64_t>(R * 131 + M * 17 + Ma * 7 + Mb * 3 + A + B));
  auto a = rng.uniform(R * Ma * A);
  auto b = rng.uniform(R * Mb * B);
  Tensor out = be.alloc(Elem::F32, {R, M, A + B});
  be.concat_last(be.default_stream(), upload_f32(be, {R, Ma, A}, a), upload_f32(be, {R, Mb, B}, b),
                 out);
  std::vector<float> want;
  for (int64_t r = 0; r < R; ++r)
    for (int64_t m = 0; m < M; ++m) {
      const int64_t ia = Ma == 1 ? 0 : m, ib = Mb == 1 ? 0 : m;
      for (int64_t i = 0; i < A; ++i) want.push_back(a[(r * Ma + ia) * A + i]);
      for (int64_t i = 0; i < B; ++i) want.push_back(b[(r * Mb + ib) * B + i]);
    }
  BOOST_TEST_CONTEXT("R=" << R << " M=" << M << " Ma=" << Ma << " Mb=" << Mb << " A=" << A
                          << " B=" << B) {
    BOOST_TEST(fetch(be, out) == want, boost::test_tools::per_element());
  }
}

void slice(Backend& be, const Shape& shape, int64_t offset, int64_t width) {
  Rng rng(static_cast<uint64_t>(offset * 31 + width));
  auto x = rng.uniform(static_cast<size_t>(count(shape)));
  Shape os = shape;
  os.back() = width;
  Tensor out = be.alloc(Elem::F32, os);
  be.slice_last(be.default_stream(), upload_f32(be, shape, x), offset, width, out);
  const int64_t W = shape.back(), rows = count(shape) / W;
  std::vector<float> want;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = offset; i < offset + width; ++i) want.push_back(x[r * W + i]);
  BOOST_TEST_CONTEXT(shape_string(shape) << " [" << offset << ", +" << width << ")") {
    BOOST_TEST(fetch(be, out) == want, boost::test_tools::per_element());
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(concat_last_with_and_without_broadcast) {
  for_each_backend([](Backend& be) {
    concat(be, 7, 5, 5, 1, 13, 3);    // naive MLA keys: per-head nope | shared rope
    concat(be, 9, 1, 1, 1, 31, 7);    // cache rows: latent | rope of one token
    concat(be, 11, 3, 3, 3, 5, 9);    // absorbed queries: per-head latent | per-head rope
    concat(be, 4, 6, 1, 6, 2, 17);    // broadcast on the left
    concat(be, 3, 4, 1, 1, 1, 1);     // both broadcast
    concat(be, 500, 3, 3, 1, 33, 5);  // enough rows for several parallel stretches
    concat(be, 2, 3, 3, 1, 0, 4);     // an empty part
  });
}

BOOST_AUTO_TEST_CASE(concat_last_rejects_bad_shapes_and_overlap) {
  for_each_backend([](Backend& be) {
    Tensor a = be.alloc(Elem::F32, {3, 4, 5}), b = be.alloc(Elem::F32, {3, 1, 2});
    Tensor out = be.alloc(Elem::F32, {3, 4, 7});
    BOOST_CHECK_NO_THROW(be.concat_last(be.default_stream(), a, b, out));
    Tensor wide = be.alloc(Elem::F32, {3, 4, 8});
    BOOST_CHECK_THROW(be.concat_last(be.default_stream(), a, b, wide), Error);  // last dim
    Tensor b2 = be.alloc(Elem::F32, {3, 2, 2});
    BOOST_CHECK_THROW(be.concat_last(be.default_stream(), a, b2, out),
                      Error);  // middle dim neither M nor 1
    Tensor b3 = be.alloc(Elem::F32, {2, 1, 2});
    BOOST_CHECK_THROW(be.concat_last(be.default_stream(), a, b3, out), Error);  // rows
    Tensor a2 = be.alloc(Elem::F32, {3, 20});
    BOOST_CHECK_THROW(be.concat_last(be.default_stream(), a2, b, out), Error);  // rank
    Tensor into_a = Tensor(a.buffer(), Elem::F32, {1, 4, 7});
    Tensor a_row = a.slice_rows(0, 1);
    BOOST_CHECK_THROW(be.concat_last(be.default_stream(), a_row, b.slice_rows(0, 1), into_a),
                      Error);  // overlap
    Tensor ai = be.alloc(Elem::I32, {3, 4, 5});
    BOOST_CHECK_THROW(be.concat_last(be.default_stream(), ai, b, out), Error);  // element type
  });
}

BOOST_AUTO_TEST_CASE(slice_last_columns) {
  for_each_backend([](Backend& be) {
    slice(be, {7, 5, 29}, 0, 13);   // nope part of per-head queries
    slice(be, {7, 5, 29}, 13, 16);  // rope part
    slice(be, {11, 37}, 36, 1);
    slice(be, {300, 3, 19}, 2, 9);  // several parallel stretches
    slice(be, {4, 6}, 6, 0);        // empty slice at the end
    slice(be, {23}, 5, 11);         // rank 1
  });
}

BOOST_AUTO_TEST_CASE(slice_last_rejects_bad_ranges_and_shapes) {
  for_each_backend([](Backend& be) {
    Tensor x = be.alloc(Elem::F32, {3, 4, 10});
    Tensor out = be.alloc(Elem::F32, {3, 4, 6});
    BOOST_CHECK_NO_THROW(be.slice_last(be.default_stream(), x, 4, 6, out));
    BOOST_CHECK_THROW(be.slice_last(be.default_stream(), x, 5, 6, out), Error);   // past the end
    BOOST_CHECK_THROW(be.slice_last(be.default_stream(), x, -1, 6, out), Error);  // negative offset
    Tensor out2 = be.alloc(Elem::F32, {3, 4, 5});
    BOOST_CHECK_THROW(be.slice_last(be.default_stream(), x, 0, 6, out2), Error);  // out's width
    Tensor out3 = be.alloc(Elem::F32, {4, 3, 6});
    BOOST_CHECK_THROW(be.slice_last(be.default_stream(), x, 0, 6, out3), Error);  // leading dims
    Tensor self = Tensor(x.buffer(), Elem::F32, {3, 4, 6});
    BOOST_CHECK_THROW(be.slice_last(be.default_stream(), x, 0, 6, self), Error);  // overlap
  });
}

BOOST_AUTO_TEST_SUITE_END()
