#include "cpu/simd/target_override.hpp"

#include <hwy/targets.h>

#include <cctype>
#include <cstdlib>
#include <mutex>

#include "common/error.hpp"

namespace archscope::cpu {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Every target bit compiled into this binary, best (lowest bit) first.
std::vector<int64_t> compiled_targets() {
  std::vector<int64_t> out;
  for (int64_t t = HWY_TARGETS; t != 0; t &= t - 1) out.push_back(t & -t);
  return out;
}

std::string names(const std::vector<int64_t>& targets) {
  std::string s;
  for (int64_t t : targets) s += (s.empty() ? "" : ", ") + cpu_target_name(t);
  return s;
}

int64_t forced = 0;

void apply_once() {
  const char* env = std::getenv(kCpuTargetEnv);
  const int64_t target = env ? parse_cpu_target(env) : 0;
  if (!target) return;
  // Highway's own switch for restricting dispatch; SetSupportedTargetsForTest (the tests'
  // per-target loops) still composes with it, since it never re-enables a disabled target.
  hwy::DisableTargets(~target);
  forced = target;
}

}  // namespace

int64_t parse_cpu_target(const std::string& name) {
  std::string want = lower(name);
  if (want.empty() || want == "best") return 0;
  if (want == "avx512") want = "avx3";
  int64_t target = 0;
  for (int64_t t : compiled_targets())
    if (cpu_target_name(t) == want) target = t;
  if (!target)
    throw Error(
        ErrorKind::Validation, kCpuTargetEnv,
        "unknown target '" + name + "' (this build has: best, " + names(compiled_targets()) + ")");
  std::vector<int64_t> runnable;
  for (int64_t t : compiled_targets())
    if (hwy::SupportedTargets() & t) runnable.push_back(t);
  if (!(hwy::SupportedTargets() & target))
    throw Error(ErrorKind::Unsupported, kCpuTargetEnv,
                "this CPU cannot run " + want + " (it runs: " + names(runnable) + ")");
  return target;
}

void apply_cpu_target_override() {
  static std::once_flag once;
  static bool failed = false;
  static Error error(ErrorKind::Internal, "", "");
  std::call_once(once, [] {
    try {
      apply_once();
    } catch (const Error& e) {
      failed = true;
      error = e;
    }
  });
  if (failed) throw error;  // every caller learns why, not only the first
}

int64_t cpu_target_override() {
  apply_cpu_target_override();
  return forced;
}

std::vector<int64_t> cpu_dispatch_targets() {
  apply_cpu_target_override();
  return hwy::SupportedAndGeneratedTargets();
}

std::string cpu_target_name(int64_t target) {
  return lower(hwy::TargetName(target));
}

std::string active_cpu_target() {
  const std::vector<int64_t> t = cpu_dispatch_targets();
  return t.empty() ? "none" : cpu_target_name(t.front());
}

}  // namespace archscope::cpu
