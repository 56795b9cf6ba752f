// cuda_entry for builds without the CUDA backend (no toolkit at configure time, or engine/cuda not
// present): nothing is compiled in, no device is listed, and asking for one says why in one line.
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
  throw Error(
      ErrorKind::Unsupported, "--backend",
      "this build has no CUDA backend (it was configured without the CUDA toolkit); use cpu");
}

}  // namespace archscope::cuda_entry
