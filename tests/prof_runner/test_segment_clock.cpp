// SegmentClock on the CPU backend: a chain's segments meet at one clock reading, and a clock
// marking at another's boundary (mark_at) reads the same instant, whatever happens between the
// two calls. The sleeps stand for a preemption of the thread between two timer calls, which is
// what once made a step's spans and `other` add up to 0.26 ms of a 2.1 ms step under load
// (tests/prof_runner/test_step_time.cpp).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "common/error.hpp"
#include "cpu/cpu_backend.hpp"
#include "runner/segment_clock.hpp"

using namespace archscope;

namespace {

void pause_ms(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(segment_clock)

BOOST_AUTO_TEST_CASE(follower_marks_fall_on_the_leaders_instants) {
  cpu::CpuBackend be(1);
  Stream& s = be.default_stream();
  prof::SegmentClock leader(be), follower(be);
  leader.mark(s);
  pause_ms(3);  // between the two clocks' boundary calls
  follower.mark_at(s, leader);
  pause_ms(5);
  follower.mark(s);  // an op boundary inside the step
  pause_ms(5);
  leader.mark(s);
  pause_ms(1);  // unequal pauses: reading the clock anew would not cancel out
  follower.mark_at(s, leader);
  const std::vector<int64_t> l = leader.collect(), f = follower.collect();
  BOOST_TEST_REQUIRE(l.size() == 2u);
  BOOST_TEST_REQUIRE(f.size() == 3u);
  // The follower's first mark is its origin (0), like the leader's: the window between the two
  // boundaries is the leader's step, to the rounding of two segments (1 ns each).
  const int64_t step = l[1] - l[0], chained = f[2] - f[0];
  BOOST_TEST(step >= 10'000'000);  // at least the two 5 ms pauses
  BOOST_TEST(std::llabs(chained - step) <= 2, "follower " << chained << " ns, leader " << step);
}

BOOST_AUTO_TEST_CASE(a_chain_loses_nothing_between_segments) {
  cpu::CpuBackend be(1);
  Stream& s = be.default_stream();
  prof::SegmentClock whole(be), chain(be);
  whole.mark(s);
  chain.mark_at(s, whole);
  for (int i = 0; i < 50; ++i) chain.mark(s);
  pause_ms(2);
  whole.mark(s);
  chain.mark_at(s, whole);
  const std::vector<int64_t> w = whole.collect(), c = chain.collect();
  BOOST_TEST_REQUIRE(c.size() == 52u);
  // 51 segments, each rounded to the ns once.
  BOOST_TEST(std::llabs((c.back() - c.front()) - (w.back() - w.front())) <= 51);
  for (size_t i = 1; i < c.size(); ++i) BOOST_TEST(c[i] >= c[i - 1]);
}

BOOST_AUTO_TEST_CASE(mark_at_needs_a_leader_that_marked) {
  cpu::CpuBackend be(1);
  prof::SegmentClock leader(be), follower(be);
  BOOST_CHECK_THROW(follower.mark_at(be.default_stream(), leader), Error);
}

BOOST_AUTO_TEST_SUITE_END()
