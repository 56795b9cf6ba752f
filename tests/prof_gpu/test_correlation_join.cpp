// Which CUPTI join a run uses (profiler/gpu/correlation_join.hpp): the external-correlation
// records when every decode step is traced (the callback join measured +65% there against +26%,
// docs/profiling.md), the callbacks when steps are sampled; the environment's override, and a
// bad override refused with its name.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cstdlib>

#include "common/error.hpp"
#include "gpu/correlation_join.hpp"

using namespace archscope;
using namespace archscope::prof::gpu;

BOOST_AUTO_TEST_SUITE(correlation_join)

BOOST_AUTO_TEST_CASE(every_step_traced_uses_the_api_join) {
  BOOST_TEST((choose_correlation_join(1, "") == CorrelationJoin::Api));
  BOOST_TEST((choose_correlation_join(2, "") == CorrelationJoin::Callbacks));
  BOOST_TEST((choose_correlation_join(512, "") == CorrelationJoin::Callbacks));
  BOOST_TEST(std::string(to_string(CorrelationJoin::Api)) == "api");
  BOOST_TEST(std::string(to_string(CorrelationJoin::Callbacks)) == "callbacks");
}

BOOST_AUTO_TEST_CASE(override_wins_both_ways) {
  BOOST_TEST((choose_correlation_join(1, "callbacks") == CorrelationJoin::Callbacks));
  BOOST_TEST((choose_correlation_join(512, "api") == CorrelationJoin::Api));
}

BOOST_AUTO_TEST_CASE(bad_override_is_refused_with_its_name) {
  try {
    choose_correlation_join(1, "API");
    BOOST_FAIL("accepted");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Validation));
    BOOST_TEST(std::string(e.what()).find("ARCHSCOPE_CUPTI_CORRELATION") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(reads_the_environment) {
  const char* before = std::getenv("ARCHSCOPE_CUPTI_CORRELATION");
  const std::string saved = before ? before : "";
  ::setenv("ARCHSCOPE_CUPTI_CORRELATION", "callbacks", 1);
  BOOST_TEST((choose_correlation_join(1) == CorrelationJoin::Callbacks));
  ::unsetenv("ARCHSCOPE_CUPTI_CORRELATION");
  BOOST_TEST((choose_correlation_join(1) == CorrelationJoin::Api));
  BOOST_TEST((choose_correlation_join(8) == CorrelationJoin::Callbacks));
  if (before) ::setenv("ARCHSCOPE_CUPTI_CORRELATION", saved.c_str(), 1);
}

BOOST_AUTO_TEST_SUITE_END()
