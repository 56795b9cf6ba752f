// The one seam between the backend registry and the CUDA backend. engine/cuda implements these
// when the CUDA toolkit is found at configure time; engine/cuda_absent implements them otherwise
// (compiled() false, no devices, make() refused), so nothing above the registry needs #ifdefs.
#pragma once

#include <memory>
#include <vector>

#include "backend/backend.hpp"
#include "backend/device_info.hpp"
#include "backend/kernel_choices.hpp"

namespace archscope::cuda_entry {

// True when this build contains the CUDA backend.
bool compiled();
// The CUDA devices the driver reports (empty without a driver or device; never throws).
std::vector<DeviceInfo> devices();
// A CUDA backend on device `index`. Throws Error(Unsupported, "--backend", ...) when the build
// has no CUDA or no device exists, Error(Validation, "--backend", ...) for an index out of range.
std::unique_ptr<Backend> make(int index);
// The same with kernel variants (`--kernel`, backend/kernel_choices.hpp).
std::unique_ptr<Backend> make(int index, const KernelChoices& kernels);
// Measures the limits of the device behind `backend` (one made by make()); throws
// Error(Unsupported) for any other backend. Takes about a second and ~5 GiB of device memory.
DeviceCeilings measure_ceilings(Backend& backend);

}  // namespace archscope::cuda_entry
