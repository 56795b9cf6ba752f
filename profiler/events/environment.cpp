#include "events/environment.hpp"

#include <algorithm>

#include "common/version.hpp"
#include "presets/measure_host.hpp"

namespace archscope::prof {

RunEnvironment capture_environment(int64_t threads) {
  const HostDescription host = describe_host();
  RunEnvironment env;
  env.cpu_model = host.cpu_model;
  env.logical_cpus = host.logical_cpus;
  env.threads = threads > 0 ? threads : std::max<int64_t>(1, host.logical_cpus);
  env.version = archscope_version();
  env.git_revision = archscope_git_revision();
  return env;
}

}  // namespace archscope::prof
