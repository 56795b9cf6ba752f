#include "gpu/correlation_join.hpp"

#include <cstdlib>
#include <string>

#include "common/error.hpp"

namespace archscope::prof::gpu {

CorrelationJoin choose_correlation_join(int64_t sample, std::string_view override_value) {
  if (override_value == "api") return CorrelationJoin::Api;
  if (override_value == "callbacks") return CorrelationJoin::Callbacks;
  if (!override_value.empty())
    throw Error(ErrorKind::Validation, "ARCHSCOPE_CUPTI_CORRELATION",
                "is '" + std::string(override_value) + "', expected api or callbacks");
  return sample <= 1 ? CorrelationJoin::Api : CorrelationJoin::Callbacks;
}

CorrelationJoin choose_correlation_join(int64_t sample) {
  const char* e = std::getenv("ARCHSCOPE_CUPTI_CORRELATION");
  return choose_correlation_join(sample, e ? std::string_view(e) : std::string_view());
}

const char* to_string(CorrelationJoin j) {
  return j == CorrelationJoin::Api ? "api" : "callbacks";
}

}  // namespace archscope::prof::gpu
