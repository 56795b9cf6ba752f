// cuda_entry for builds without the CUDA backend (no toolkit at configure time, ARCHSCOPE_CUDA off,
// or no engine/cuda in the tree): nothing is compiled in, no device is listed, and asking for one
// says why in one line. ARCHSCOPE_CUDA_ABSENT_REASON comes from engine/CMakeLists.txt.
#include <string>

#include "backend/cuda_entry.hpp"
#include "common/error.hpp"

namespace archscope::cuda_entry {

bool compiled() {
  return false;
}

std::vector<DeviceInfo> devices() {
  return {};
}

std::unique_ptr<Backend> make(int /*index*/) {
  throw Error(ErrorKind::Unsupported, "--backend",
              std::string("this build has no CUDA backend (") + ARCHSCOPE_CUDA_ABSENT_REASON +
                  "); use cpu");
}

std::unique_ptr<Backend> make(int index, const KernelChoices& /*kernels*/) {
  return make(index);
}

DeviceCeilings measure_ceilings(Backend& /*backend*/) {
  throw Error(ErrorKind::Unsupported, "cuda",
              std::string("this build has no CUDA backend (") + ARCHSCOPE_CUDA_ABSENT_REASON + ")");
}

}  // namespace archscope::cuda_entry
