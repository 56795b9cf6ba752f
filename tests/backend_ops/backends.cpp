#include "backends.hpp"

#include <hwy/targets.h>

#include <boost/test/unit_test.hpp>

#include "backend/cuda_entry.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/simd/target_override.hpp"

namespace archscope::test {

namespace {

// Three threads on any machine: enough to exercise the ops' work splits (attention's key splits
// need more than one thread) without depending on the core count.
constexpr int kCpuThreads = 3;

// Restores the dispatch (to what the process override allows) however the body ends.
struct ForcedTarget {
  explicit ForcedTarget(int64_t target) { hwy::SetSupportedTargetsForTest(target); }
  ~ForcedTarget() { hwy::SetSupportedTargetsForTest(0); }
};

}  // namespace

std::vector<BackendUnderTest> cpu_backends() {
  std::vector<BackendUnderTest> out;
  for (int64_t target : cpu::cpu_dispatch_targets())
    out.push_back({"cpu/" + cpu::cpu_target_name(target),
                   [] { return std::make_unique<cpu::CpuBackend>(kCpuThreads); }, target});
  return out;
}

std::vector<BackendUnderTest> device_backends() {
  std::vector<BackendUnderTest> out;
#ifdef ARCHSCOPE_WITH_CUDA
  // One entry per CUDA device, with the kernels that do fp32 arithmetic (the weight-streaming
  // linear, attention without tensor cores), so the suite's fp32 bounds apply; the tensor-core
  // paths are held to their own bounds in tests/backend_cuda.
  KernelChoices exact;
  exact.linear = LinearKernel::Gemv;
  exact.attention = AttentionKernel::Fp32;
  for (const DeviceInfo& d : cuda_entry::devices())
    out.push_back({d.spec, [i = d.index, exact] { return cuda_entry::make(i, exact); }, 0});
#endif
  return out;
}

std::vector<BackendUnderTest> backends_under_test() {
  std::vector<BackendUnderTest> all = cpu_backends();
  for (BackendUnderTest& b : device_backends()) all.push_back(std::move(b));
  return all;
}

void for_each_backend(const std::function<void(Backend&)>& body) {
  for (const BackendUnderTest& b : backends_under_test()) {
    BOOST_TEST_CONTEXT("backend " << b.name) {
      std::unique_ptr<ForcedTarget> forced;
      if (b.cpu_target) forced = std::make_unique<ForcedTarget>(b.cpu_target);
      std::unique_ptr<Backend> be = b.make();
      body(*be);
    }
  }
}

}  // namespace archscope::test
