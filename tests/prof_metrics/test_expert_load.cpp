#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "common/error.hpp"
#include "metrics/expert_load.hpp"

using namespace archscope;
using namespace archscope::prof;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(prof_expert_load)

// Hand-built top-2 routing of 4 tokens over 4 experts:
//   token 0 -> {0, 1}, token 1 -> {0, 1}, token 2 -> {0, 2}, token 3 -> {0, 3}
// loads {4, 2, 1, 1}, N = 8 assignments (4 tokens x top_k 2).
BOOST_AUTO_TEST_CASE(skewed_top2_routing) {
  const std::vector<std::vector<int>> routing = {{0, 1}, {0, 1}, {0, 2}, {0, 3}};
  std::vector<int64_t> counts(4, 0);
  for (const auto& experts : routing)
    for (int e : experts) ++counts[e];
  BOOST_TEST(counts == (std::vector<int64_t>{4, 2, 1, 1}), tt::per_element());

  const ExpertLoadStats s = expert_load(counts, 1.0);
  BOOST_TEST(s.experts == 4);
  BOOST_TEST(s.assignments == 8);
  BOOST_TEST(s.max_load == 4);
  BOOST_TEST(s.mean_load == 2.0);
  // deviations 2, 0, -1, -1 -> variance (4 + 0 + 1 + 1) / 4 = 1.5; cv = sqrt(1.5) / 2
  BOOST_TEST(s.cv == 0.6123724356957945, tt::tolerance(1e-12));
  // p = 1/2, 1/4, 1/8, 1/8: H = (1/2) ln 2 + (1/4) 2 ln 2 + 2 (1/8) 3 ln 2 = 1.75 ln 2;
  // ln E = 2 ln 2 -> 0.875
  BOOST_TEST(s.normalized_entropy == 0.875, tt::tolerance(1e-12));
  // c = 1: capacity ceil(1 x 4 x 2 / 4) = 2 -> expert 0 drops 4 - 2 = 2
  BOOST_TEST(s.capacity == 2);
  BOOST_TEST(s.dropped == 2);
  // c = 1.25: ceil(2.5) = 3 -> drops 1; c = 2: capacity 4 -> none
  BOOST_TEST(expert_load(counts, 1.25).capacity == 3);
  BOOST_TEST(expert_load(counts, 1.25).dropped == 1);
  BOOST_TEST(expert_load(counts, 2.0).dropped == 0);
  // No factor asked: no capacity, no drops.
  BOOST_TEST(expert_load(counts).capacity == 0);
  BOOST_TEST(expert_load(counts).dropped == 0);
}

BOOST_AUTO_TEST_CASE(even_and_collapsed_routing) {
  // {3, 3, 3}: every deviation 0, p = 1/3 each -> H = ln 3 = ln E
  const ExpertLoadStats even = expert_load(std::vector<int64_t>{3, 3, 3}, 1.0);
  BOOST_TEST(even.cv == 0.0);
  BOOST_TEST(even.normalized_entropy == 1.0, tt::tolerance(1e-12));
  BOOST_TEST(even.capacity == 3);
  BOOST_TEST(even.dropped == 0);

  // {0, 6, 0}: mean 2, deviations -2, 4, -2 -> variance 24 / 3 = 8, cv = sqrt(8) / 2 = sqrt(2);
  // all mass on one expert -> H = 0. Capacity ceil(6 / 3) = 2 -> 4 dropped.
  const ExpertLoadStats collapsed = expert_load(std::vector<int64_t>{0, 6, 0}, 1.0);
  BOOST_TEST(collapsed.max_load == 6);
  BOOST_TEST(collapsed.cv == std::sqrt(2.0), tt::tolerance(1e-12));
  BOOST_TEST(collapsed.normalized_entropy == 0.0);
  BOOST_TEST(collapsed.dropped == 4);
}

BOOST_AUTO_TEST_CASE(no_tokens_and_single_expert_conventions) {
  const ExpertLoadStats empty = expert_load(std::vector<int64_t>{0, 0, 0, 0}, 1.25);
  BOOST_TEST(empty.assignments == 0);
  BOOST_TEST(empty.max_load == 0);
  BOOST_TEST(empty.mean_load == 0.0);
  BOOST_TEST(empty.cv == 0.0);
  BOOST_TEST(empty.normalized_entropy == 1.0);
  BOOST_TEST(empty.capacity == 0);
  BOOST_TEST(empty.dropped == 0);

  const ExpertLoadStats one = expert_load(std::vector<int64_t>{5}, 1.0);
  BOOST_TEST(one.normalized_entropy == 1.0);
  BOOST_TEST(one.cv == 0.0);
  BOOST_TEST(one.capacity == 5);
}

BOOST_AUTO_TEST_CASE(capacity_rounds_up_but_ignores_float_noise) {
  // 1.1 is 1.100000000000000088... in binary: 1.1 x 10 must give 11, not 12.
  BOOST_TEST(expert_capacity(1.1, 10, 1) == 11);
  BOOST_TEST(expert_capacity(1.1, 100, 10) == 11);
  // 1.1 x 11 = 12.1 -> 13
  BOOST_TEST(expert_capacity(1.1, 11, 1) == 13);
  // 1.25 x 6 / 4 = 1.875 -> 2
  BOOST_TEST(expert_capacity(1.25, 6, 4) == 2);
  BOOST_CHECK_THROW(expert_capacity(0.0, 6, 4), Error);
  BOOST_CHECK_THROW(expert_capacity(1.0, 6, 0), Error);
  BOOST_TEST(dropped_over_capacity(std::vector<int64_t>{5, 1, 3}, 2) == 3 + 0 + 1);
}

BOOST_AUTO_TEST_CASE(malformed_counts_are_rejected) {
  BOOST_CHECK_THROW(expert_load(std::vector<int64_t>{}), Error);
  BOOST_CHECK_THROW(expert_load(std::vector<int64_t>{1, -1}), Error);
  BOOST_CHECK_THROW(expert_load(std::vector<int64_t>{1, 1}, -1.0), Error);
  std::vector<ExpertCountRecord> bad = {{0, 1, {1, 2}}, {1, 1, {1, 2, 3}}};
  try {
    expert_load_cumulative(bad);
    BOOST_FAIL("mismatched expert counts accepted");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Validation));
    BOOST_TEST(e.where() == "expert_counts[1]");
  }
  try {
    expert_load_per_step({{0, 0, {1}}, {0, 1, {2, -3}}});
    BOOST_FAIL("negative count accepted");
  } catch (const Error& e) {
    BOOST_TEST(e.where() == "expert_counts[1]: tokens_per_expert");
  }
}

BOOST_AUTO_TEST_CASE(per_step_and_cumulative) {
  // Layer 3 over two decode steps (2 tokens, top-1, 2 experts each): step 1 sends both tokens
  // to expert 0, step 2 both to expert 1. Each step: capacity ceil(1 x 2 / 2) = 1, 1 dropped.
  // Summed counts {2, 2} look perfectly even, but 2 tokens were dropped over the run.
  // Layer 1 (one step): {1, 1}, nothing dropped.
  const std::vector<ExpertCountRecord> records = {
      {1, 3, {2, 0}},
      {1, 1, {1, 1}},
      {2, 3, {0, 2}},
  };
  const auto steps = expert_load_per_step(records, 1.0);
  BOOST_REQUIRE(steps.size() == 3u);
  BOOST_TEST(steps[0].step == 1);
  BOOST_TEST(steps[0].layer == 3);
  BOOST_TEST(steps[0].stats.dropped == 1);
  BOOST_TEST(steps[1].stats.dropped == 0);
  BOOST_TEST(steps[2].stats.dropped == 1);
  BOOST_TEST(steps[0].stats.normalized_entropy == 0.0);

  const auto cum = expert_load_cumulative(records, 1.0);
  BOOST_REQUIRE(cum.size() == 2u);
  BOOST_TEST(cum[0].layer == 1);  // sorted by layer
  BOOST_TEST(cum[0].steps == 1);
  BOOST_TEST(cum[1].layer == 3);
  BOOST_TEST(cum[1].steps == 2);
  BOOST_TEST(cum[1].tokens_per_expert == (std::vector<int64_t>{2, 2}), tt::per_element());
  BOOST_TEST(cum[1].stats.assignments == 4);
  BOOST_TEST(cum[1].stats.cv == 0.0);
  BOOST_TEST(cum[1].stats.normalized_entropy == 1.0, tt::tolerance(1e-12));
  BOOST_TEST(cum[1].stats.dropped == 2);  // Σ per-step drops, not drops of the summed counts
  BOOST_TEST(cum[1].stats.capacity == 0);
  BOOST_TEST(cum[0].stats.dropped == 0);
}

BOOST_AUTO_TEST_SUITE_END()
