// The imported configs must reproduce the published parameter counts exactly: a wrong expert
// width, shared-expert count or dense-layer split would show up here as a different number.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "hf_test_util.hpp"
#include "plan/plan.hpp"

using namespace archscope;

namespace {
PlanTotals params_of(const std::string& fixture) {
  const ModelConfig c = hf_test::load(fixture);
  return totals(build_plan(c, PlanOptions{}));
}
}  // namespace

BOOST_AUTO_TEST_SUITE(hf_params)

BOOST_AUTO_TEST_CASE(deepseek_v3_imported) {
  const auto t = params_of("deepseek-v3");
  BOOST_TEST(t.params == 671026419200ull);
  BOOST_TEST(t.params_active == 37552297472ull);
}

BOOST_AUTO_TEST_CASE(mixtral_8x7b_imported) {
  const auto t = params_of("mixtral-8x7b");
  BOOST_TEST(t.params == 46702792704ull);
  BOOST_TEST(t.params_active == 12879925248ull);
}

BOOST_AUTO_TEST_CASE(llama3_8b_imported) {
  const auto t = params_of("llama3-8b");
  BOOST_TEST(t.params == 8030261248ull);
  BOOST_TEST(t.params_active == 8030261248ull);
}

BOOST_AUTO_TEST_SUITE_END()
