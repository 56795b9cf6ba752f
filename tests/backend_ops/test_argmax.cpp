// argmax against std::max_element (the first of equal maxima: what greedy sampling picks on the
// host, generate/sampler.hpp): random rows of odd widths, ties placed in different threads and
// warps of a block's stride, infinities, and the NaN report (-1 - first NaN index).
#include <algorithm>
#include <cmath>
#include <limits>

#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

std::vector<int32_t> reference(const Floats& x, int64_t rows, int64_t width) {
  std::vector<int32_t> out;
  for (int64_t r = 0; r < rows; ++r) {
    const auto b = x.begin() + r * width, e = b + width;
    const auto nan = std::find_if(b, e, [](float v) { return std::isnan(v); });
    out.push_back(nan != e ? static_cast<int32_t>(-1 - (nan - b))
                           : static_cast<int32_t>(std::max_element(b, e) - b));
  }
  return out;
}

std::vector<int32_t> run(Backend& be, const Floats& x, int64_t rows, int64_t width) {
  Tensor out = be.alloc(Elem::I32, {rows});
  be.argmax(be.default_stream(), upload_f32(be, {rows, width}, x), out);
  return fetch<int32_t>(be, out);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_ops_argmax)

BOOST_AUTO_TEST_CASE(random_rows_of_odd_widths) {
  for_each_backend([](Backend& be) {
    Rng rng(11);
    for (const auto& [rows, width] :
         {std::pair<int64_t, int64_t>{1, 1}, {3, 7}, {2, 1000}, {4, 32003}, {1, 151937}}) {
      BOOST_TEST_CONTEXT("rows " << rows << " width " << width) {
        const Floats x = rng.uniform(rows * width, -30.0f, 30.0f);
        BOOST_TEST(run(be, x, rows, width) == reference(x, rows, width),
                   boost::test_tools::per_element());
      }
    }
  });
}

BOOST_AUTO_TEST_CASE(ties_pick_the_lowest_index) {
  for_each_backend([](Backend& be) {
    const int64_t width = 5000;
    Rng rng(12);
    Floats x = rng.uniform(4 * width);
    // Row 0: equal maxima 4000, 3, 515 (different threads and warps of one block's stride);
    // row 1: the maximum at the last index and again at index 1; row 2: everything equal;
    // row 3: two maxima in one thread's stride (0 + 512 * k).
    for (int64_t i : {4000, 3, 515}) x[static_cast<size_t>(i)] = 7.0f;
    for (int64_t i : {width - 1, int64_t{1}}) x[static_cast<size_t>(width + i)] = 7.0f;
    std::fill(x.begin() + 2 * width, x.begin() + 3 * width, 0.25f);
    for (int64_t i : {2048, 1024}) x[static_cast<size_t>(3 * width + i)] = 7.0f;
    const std::vector<int32_t> want = reference(x, 4, width);
    BOOST_TEST((want == std::vector<int32_t>{3, 1, 0, 1024}));
    BOOST_TEST(run(be, x, 4, width) == want, boost::test_tools::per_element());
  });
}

BOOST_AUTO_TEST_CASE(infinities_and_nan_rows) {
  for_each_backend([](Backend& be) {
    const float inf = std::numeric_limits<float>::infinity(),
                nan = std::numeric_limits<float>::quiet_NaN();
    const int64_t width = 777;
    Floats x(5 * width, -inf);                  // row 0: every value -inf -> 0
    x[static_cast<size_t>(width + 600)] = inf;  // row 1: one +inf
    x[static_cast<size_t>(width + 9)] = 3.0f;
    for (int64_t i = 0; i < width; ++i)
      x[static_cast<size_t>(2 * width + i)] = static_cast<float>(i % 50);
    x[static_cast<size_t>(2 * width + 700)] = nan;  // row 2: NaNs at 700 and 300 -> -301
    x[static_cast<size_t>(2 * width + 300)] = nan;
    x[static_cast<size_t>(3 * width)] = nan;           // row 3: NaN first -> -1
    x[static_cast<size_t>(4 * width + 776)] = -1e30f;  // row 4: the only finite value, last
    const std::vector<int32_t> want = reference(x, 5, width);
    BOOST_TEST((want == std::vector<int32_t>{0, 600, -301, -1, 776}));
    BOOST_TEST(run(be, x, 5, width) == want, boost::test_tools::per_element());
  });
}

BOOST_AUTO_TEST_CASE(refuses_bad_shapes) {
  for_each_backend([](Backend& be) {
    Stream& s = be.default_stream();
    Tensor x = be.alloc(Elem::F32, {2, 9}), out2 = be.alloc(Elem::I32, {2});
    Tensor out3 = be.alloc(Elem::I32, {3}), outf = be.alloc(Elem::F32, {2});
    Tensor empty = be.alloc(Elem::F32, {2, 0}), flat = be.alloc(Elem::F32, {18});
    for (auto* bad : {&out3, &outf}) {
      try {
        be.argmax(s, x, *bad);
        BOOST_ERROR("argmax accepted a bad out");
      } catch (const Error& e) {
        BOOST_TEST(e.where() == "argmax");
      }
    }
    for (auto* bad : {&empty, &flat}) {
      try {
        be.argmax(s, *bad, out2);
        BOOST_ERROR("argmax accepted a bad x");
      } catch (const Error& e) {
        BOOST_TEST(e.where() == "argmax");
        BOOST_TEST(e.message().find("[rows, V]") != std::string::npos);
      }
    }
  });
}

BOOST_AUTO_TEST_SUITE_END()
