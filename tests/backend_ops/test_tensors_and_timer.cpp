#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_ops_tensors_and_timer)

BOOST_AUTO_TEST_CASE(views_share_the_buffer) {
  for_each_backend([](Backend& be) {
    Tensor t = upload_f32(be, {4, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    BOOST_TEST(t.backend() == &be);
    BOOST_TEST(t.bytes() == 48u);
    Tensor rows = t.slice_rows(1, 2);
    BOOST_TEST(fetch(be, rows) == (Floats{3, 4, 5, 6, 7, 8}), boost::test_tools::per_element());
    BOOST_TEST(t.reshape({2, 6}).dim(-1) == 6);
    BOOST_CHECK_THROW(t.reshape({5}), Error);
    BOOST_CHECK_THROW(t.slice_rows(3, 2), Error);
    // An op on a view writes only the view.
    be.add(be.default_stream(), rows, rows, 1.0f, rows);
    BOOST_TEST(fetch(be, t) == (Floats{0, 1, 2, 6, 8, 10, 12, 14, 16, 9, 10, 11}),
               boost::test_tools::per_element());
  });
}

BOOST_AUTO_TEST_CASE(timer_measures_a_span) {
  for_each_backend([](Backend& be) {
    auto timer = be.create_timer();
    BOOST_CHECK_THROW(timer->elapsed_ms(), Error);
    timer->start(be.default_stream());
    Tensor x = upload_f32(be, {1 << 16}, Floats(1 << 16, 1.0f));
    be.add(be.default_stream(), x, x, 1.0f, x);
    timer->stop(be.default_stream());
    be.synchronize(be.default_stream());
    BOOST_TEST(timer->elapsed_ms() > 0.0);
  });
}

BOOST_AUTO_TEST_SUITE_END()
