#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

// What only the CPU backend has: its thread pool, and what it checks itself once an op's contract
// holds (the stream and the tensors are its own). The ops are checked on every backend, this one
// once per SIMD target, by tests/backend_ops.
#include "backend_ops/host_tensors.hpp"
#include "common/error.hpp"
#include "cpu/cpu_backend.hpp"

using namespace archscope;
using namespace archscope::test;
using cpu::CpuBackend;

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

BOOST_AUTO_TEST_CASE(streams_and_tensors_must_be_its_own) {
  CpuBackend be(1), other(1);
  Tensor t = upload_f32(be, {4, 3}, std::vector<float>(12, 1.0f));
  Tensor foreign = other.alloc(Elem::F32, {4, 3});
  Tensor out = be.alloc(Elem::F32, {4, 3});
  try {
    be.add(other.default_stream(), t, t, 1.0f, out);
    BOOST_FAIL("another backend's stream accepted");
  } catch (const Error& e) {
    BOOST_TEST(e.where() == "cpu.add");
    BOOST_TEST(e.message() == "stream belongs to another backend");
  }
  BOOST_CHECK_NO_THROW(be.add(be.default_stream(), t, foreign, 1.0f, out));  // another CPU backend: host memory
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
