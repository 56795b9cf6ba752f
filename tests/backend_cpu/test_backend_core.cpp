#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

BOOST_AUTO_TEST_SUITE(backend_cpu_core)

BOOST_AUTO_TEST_CASE(thread_pool_covers_every_index_once) {
  for (int threads : {1, 2, 5}) {
    cpu::ThreadPool pool(threads);
    BOOST_TEST(pool.threads() == threads);
    for (int64_t n : {0, 1, 7, 1001}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      pool.parallel_for(n, 3, [&](int64_t b, int64_t e) { for (int64_t i = b; i < e; ++i) ++hits[i]; });
      for (auto& h : hits) BOOST_TEST(h.load() == 1);
    }
  }
}

BOOST_AUTO_TEST_CASE(thread_pool_rethrows) {
  cpu::ThreadPool pool(3);
  BOOST_CHECK_THROW(pool.parallel_for(100, 1, [](int64_t b, int64_t) { if (b >= 50) throw std::runtime_error("x"); }),
                    std::runtime_error);
  int64_t sum = 0;  // still usable afterwards
  pool.parallel_for(10, 100, [&](int64_t b, int64_t e) { for (int64_t i = b; i < e; ++i) sum += i; });
  BOOST_TEST(sum == 45);
}

BOOST_AUTO_TEST_CASE(thread_pool_back_to_back_calls) {
  // Many short calls in a row (the decode pattern): workers spinning between calls must never run
  // a chunk twice, miss one, or run one of the previous call; a pause lets them fall asleep.
  for (int threads : {2, 3}) {
    cpu::ThreadPool pool(threads);
    std::vector<int64_t> hits(64, 0);
    for (int call = 0; call < 3000; ++call) {
      const int64_t n = 1 + call % 64;
      pool.parallel_for(n, 1, [&](int64_t b, int64_t e) { for (int64_t i = b; i < e; ++i) hits[i] += call; });
      if (call == 1500) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    for (int64_t i = 0; i < 64; ++i) {
      int64_t expect = 0;
      for (int call = 0; call < 3000; ++call) expect += (1 + call % 64 > i) ? call : 0;
      BOOST_TEST(hits[static_cast<size_t>(i)] == expect);
    }
  }
}

BOOST_AUTO_TEST_CASE(tensors_views_and_ownership) {
  CpuBackend be(1);
  Tensor t = upload_f32(be, {4, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  BOOST_TEST(t.backend() == static_cast<Backend*>(&be));
  BOOST_TEST(t.bytes() == 48u);
  Tensor rows = t.slice_rows(1, 2);
  BOOST_TEST(fetch(be, rows) == (std::vector<float>{3, 4, 5, 6, 7, 8}), boost::test_tools::per_element());
  BOOST_TEST(t.reshape({2, 6}).dim(-1) == 6);
  BOOST_CHECK_THROW(t.reshape({5}), Error);
  BOOST_CHECK_THROW(t.slice_rows(3, 2), Error);
  // A tensor of another backend is refused, not dereferenced.
  CpuBackend other(1);
  Tensor foreign = other.alloc(Elem::F32, {4, 3});
  Tensor out = be.alloc(Elem::F32, {4, 3});
  BOOST_CHECK_THROW(be.add(other.default_stream(), t, t, 1.0f, out), Error);
  BOOST_CHECK_NO_THROW(be.add(be.default_stream(), t, foreign, 1.0f, out));  // same kind: fine
}

BOOST_AUTO_TEST_CASE(timer_measures_a_span) {
  CpuBackend be(1);
  auto timer = be.create_timer();
  BOOST_CHECK_THROW(timer->elapsed_ms(), Error);
  timer->start(be.default_stream());
  Tensor x = upload_f32(be, {1 << 16}, std::vector<float>(1 << 16, 1.0f));
  be.add(be.default_stream(), x, x, 1.0f, x);
  timer->stop(be.default_stream());
  be.synchronize(be.default_stream());
  BOOST_TEST(timer->elapsed_ms() > 0.0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(backend_elem_dtype)

BOOST_AUTO_TEST_CASE(dtype_of_inverts_elem_of) {
  using namespace archscope;
  for (DType t : {DType::F32, DType::BF16, DType::F16, DType::FP8, DType::INT8, DType::INT4}) {
    BOOST_TEST((dtype_of(elem_of(t)) == t));
  }
  BOOST_CHECK_THROW(dtype_of(Elem::I32), Error);
}

BOOST_AUTO_TEST_SUITE_END()
