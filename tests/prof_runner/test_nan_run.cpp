// A forward pass forced to overflow (outlier weight channels scaled far past the fp32 range) fails
// the run at its first step, naming the layer and the op where the first non-finite value
// appeared, and the activation record of that layer says the same.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <string>

#include "run_support.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

prof::RunOptions overflowing(bool op_checks) {
  prof::RunOptions o = small_options();
  o.random_init.heavy_tailed = true;
  o.random_init.outlier_scale = 1e30;  // x · w over outlier channels: 1e30 × 1e30 overflows fp32
  o.observe.op_checks = op_checks;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nan_run)

BOOST_AUTO_TEST_CASE(overflow_fails_naming_layer_and_op) {
  const CollectedRun r = collect_run(mini("llama3-mini"), overflowing(true));
  const prof::RunData& d = r.result.data;
  BOOST_TEST((d.run.status == prof::RunStatus::Failed));
  BOOST_TEST_REQUIRE(r.result.nan.has_value());
  const prof::NanSite& site = *r.result.nan;
  BOOST_TEST_MESSAGE("overflow run: " << d.run.failure);
  BOOST_TEST(site.step == 0);
  BOOST_TEST(!site.op.empty());
  BOOST_TEST(d.steps.size() == 1u);  // the run stops at the end of the step where it happened
  BOOST_TEST(d.run.failure.find("layer " + std::to_string(site.layer)) != std::string::npos, d.run.failure);
  BOOST_TEST(d.run.failure.find("op " + site.op) != std::string::npos, d.run.failure);

  const auto* failed = std::get_if<prof::RunFailed>(&r.events.back());
  BOOST_TEST_REQUIRE(failed != nullptr);
  BOOST_TEST_REQUIRE(failed->where.has_value());
  BOOST_TEST((*failed->where == site));
  BOOST_TEST(failed->reason == d.run.failure);

  // The summary's first NaN (from the activation records) agrees when the site is a layer.
  if (site.layer >= 0 && site.layer < mini("llama3-mini").n_layers) {
    BOOST_TEST_REQUIRE(r.result.summary.first_nan.has_value());
    BOOST_TEST(r.result.summary.first_nan->layer == site.layer);
    BOOST_TEST(r.result.summary.first_nan->op == site.op);
  }
}

BOOST_AUTO_TEST_CASE(without_op_checks_the_layer_is_still_named) {
  const CollectedRun r = collect_run(mini("llama3-mini"), overflowing(false));
  BOOST_TEST((r.result.data.run.status == prof::RunStatus::Failed));
  BOOST_TEST_REQUIRE(r.result.nan.has_value());
  BOOST_TEST(r.result.nan->op.empty());
  BOOST_TEST(r.result.data.run.failure.find("layer " + std::to_string(r.result.nan->layer)) != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
