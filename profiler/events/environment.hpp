// Where a run ran, as announced in RunStarted: enough to tell two stored runs' machines and
// builds apart when their numbers disagree.
#pragma once

#include <cstdint>
#include <string>

namespace archscope::prof {

struct RunEnvironment {
  std::string cpu_model;     // /proc/cpuinfo "model name", "unknown" when not readable
  int64_t logical_cpus = 0;  // std::thread::hardware_concurrency
  int64_t threads = 0;       // compute threads the run uses
  std::string version;       // archscope version
  std::string git_revision;  // of the archscope build
};

// The running host and build; `threads` as the run was configured (0: one per logical CPU, the
// CPU backend's default, resolved here).
RunEnvironment capture_environment(int64_t threads);

}  // namespace archscope::prof
