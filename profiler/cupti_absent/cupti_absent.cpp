// This build has no CUPTI collector (no CUDA toolkit, or no CUPTI in it, at configure time).
#include "common/error.hpp"
#include "gpu/gpu_tracer.hpp"

#ifndef ARCHSCOPE_CUPTI_ABSENT_REASON
#define ARCHSCOPE_CUPTI_ABSENT_REASON "this build has no CUPTI"
#endif

namespace archscope::prof::gpu {

bool cupti_compiled() {
  return false;
}
std::string cupti_absent_reason() {
  return ARCHSCOPE_CUPTI_ABSENT_REASON;
}

std::unique_ptr<GpuTracer> make_gpu_tracer(Backend& /*backend*/, CorrelationJoin /*join*/) {
  throw Error(ErrorKind::Unsupported, "--cupti", cupti_absent_reason());
}

}  // namespace archscope::prof::gpu
