// One switch for the SIMD target of the whole process: ARCHSCOPE_CPU_TARGET=avx2 (or avx3/avx512,
// sse4, ssse3, scalar: any Highway target this binary carries; "best" or unset = the best the CPU
// runs) makes every Highway-dispatched kernel use that target, so an AVX-512 machine can run the
// tests and benchmarks exactly as an AVX2-only one would. Read once, applied by the CPU backend's
// constructor (and by whoever calls apply_cpu_target_override first). docs/performance.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace archscope::cpu {

inline constexpr const char* kCpuTargetEnv = "ARCHSCOPE_CPU_TARGET";

// Applies ARCHSCOPE_CPU_TARGET on the first call (later calls do nothing). Throws
// Error(Validation, "ARCHSCOPE_CPU_TARGET") for a name this binary has no target for and
// Error(Unsupported, ...) for a target this CPU cannot run, listing the valid names.
void apply_cpu_target_override();

// The target bit a value of ARCHSCOPE_CPU_TARGET names (0 for "best" or empty), with the errors
// of apply_cpu_target_override.
int64_t parse_cpu_target(const std::string& name);

// The Highway target bit forced by the environment, 0 when none (applies the override first).
int64_t cpu_target_override();

// Targets the CPU kernels may be dispatched to now, best first: every target this binary was built
// for that the CPU supports, or only the forced one. Tests run each op once per entry.
std::vector<int64_t> cpu_dispatch_targets();

// Lower-case name of a target bit ("avx3", "avx2", "sse4", "scalar").
std::string cpu_target_name(int64_t target);
// The target the kernels dispatch to now (the best of cpu_dispatch_targets()).
std::string active_cpu_target();

}  // namespace archscope::cpu
