// ARCHSCOPE_CPU_TARGET (engine/cpu/simd/target_override.hpp): names map to the targets this
// binary carries, and setting it restricts every dispatch of a whole process to that target
// (checked in child processes of this test binary, one per target this CPU runs).
#define BOOST_TEST_DYN_LINK
#include <hwy/targets.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "backend_ops/host_tensors.hpp"
#include "common/error.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/simd/target_override.hpp"

using namespace archscope;

namespace {
const char* const kChild = "backend_cpu_target_override/the_environment_decides_the_dispatch";

// Runs this test binary's child case with ARCHSCOPE_CPU_TARGET=value; true when it passed.
bool child_passes(const std::string& value) {
  // The path of this binary (in the shell of std::system, /proc/self/exe would be the shell).
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const std::string cmd = std::string(cpu::kCpuTargetEnv) + "=" + value + " '" + self +
                          "' --run_test=" + kChild +
                          " --log_level=nothing --report_level=no >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(backend_cpu_target_override)

BOOST_AUTO_TEST_CASE(names_map_to_the_compiled_targets) {
  BOOST_TEST(cpu::parse_cpu_target("") == 0);
  BOOST_TEST(cpu::parse_cpu_target("best") == 0);
  for (int64_t t = HWY_TARGETS; t != 0; t &= t - 1) {
    const int64_t bit = t & -t;
    const std::string name = cpu::cpu_target_name(bit);
    if (hwy::SupportedTargets() & bit) {
      BOOST_TEST(cpu::parse_cpu_target(name) == bit);
    } else {
      try {
        cpu::parse_cpu_target(name);
        BOOST_ERROR("a target this CPU cannot run was accepted: " + name);
      } catch (const Error& e) {
        BOOST_TEST((e.kind() == ErrorKind::Unsupported));
      }
    }
  }
  if (hwy::SupportedTargets() & HWY_AVX3) BOOST_TEST(cpu::parse_cpu_target("AVX512") == HWY_AVX3);
  try {
    cpu::parse_cpu_target("neon");
    BOOST_ERROR("unknown target accepted");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Validation));
    BOOST_TEST(e.where() == cpu::kCpuTargetEnv);
    BOOST_TEST(e.message().find("unknown target 'neon' (this build has: best, ") == 0u);
  }
}

// In a child (ARCHSCOPE_CPU_TARGET set): only the forced target is dispatched to. Run directly
// (not set): nothing is forced and every supported target is available.
BOOST_AUTO_TEST_CASE(the_environment_decides_the_dispatch) {
  const char* env = std::getenv(cpu::kCpuTargetEnv);
  const int64_t want = env ? cpu::parse_cpu_target(env) : 0;
  cpu::CpuBackend be(2);  // applies the override
  BOOST_TEST(cpu::cpu_target_override() == want);
  if (want) {
    BOOST_TEST(cpu::cpu_dispatch_targets() == std::vector<int64_t>{want},
               boost::test_tools::per_element());
    BOOST_TEST(cpu::active_cpu_target() == cpu::cpu_target_name(want));
    BOOST_TEST(hwy::SupportedTargets() == want);
  } else {
    BOOST_TEST(cpu::cpu_dispatch_targets() == hwy::SupportedAndGeneratedTargets(),
               boost::test_tools::per_element());
  }
  // A dispatched kernel runs under the override: 1 x 4099 . 4099 x 1 of ones.
  Tensor x = test::upload_f32(be, {1, 4099}, std::vector<float>(4099, 1.0f));
  Tensor w = test::upload_f32(be, {1, 4099}, std::vector<float>(4099, 1.0f));
  Tensor y = be.alloc(Elem::F32, {1, 1});
  be.linear(be.default_stream(), x, w, Tensor(), y);
  BOOST_TEST(test::fetch(be, y)[0] == 4099.0f);
}

BOOST_AUTO_TEST_CASE(every_runnable_target_can_be_forced_for_a_whole_process) {
  for (int64_t t : cpu::cpu_dispatch_targets()) {
    BOOST_TEST_CONTEXT(cpu::cpu_target_name(t)) {
      BOOST_TEST(child_passes(cpu::cpu_target_name(t)));
    }
  }
  BOOST_TEST(child_passes("best"));
  BOOST_TEST(!child_passes("no-such-target"));  // the child's CpuBackend refuses it
}

BOOST_AUTO_TEST_SUITE_END()
