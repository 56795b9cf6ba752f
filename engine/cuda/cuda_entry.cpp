// The registry's seam (backend/cuda_entry.hpp) on a build with the CUDA toolkit.
#include "backend/cuda_entry.hpp"

#include <cuda_runtime.h>

#include <string>

#include "common/error.hpp"
#include "cuda/cuda_backend.hpp"

namespace archscope::cuda_entry {

bool compiled() {
  return true;
}

std::vector<DeviceInfo> devices() {
  std::vector<DeviceInfo> out;
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // no driver or no device: an empty list, never an error
    return out;
  }
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) {
      cudaGetLastError();
      continue;
    }
    DeviceInfo d;
    d.spec = "cuda:" + std::to_string(i);
    d.kind = "cuda";
    d.index = i;
    d.name = prop.name;
    d.memory_total_bytes = prop.totalGlobalMem;
    d.compute_capability = std::to_string(prop.major) + "." + std::to_string(prop.minor);
    d.cores = prop.multiProcessorCount;
    int previous = 0;
    if (cudaGetDevice(&previous) == cudaSuccess && cudaSetDevice(i) == cudaSuccess) {
      size_t free_b = 0, total_b = 0;
      if (cudaMemGetInfo(&free_b, &total_b) == cudaSuccess) d.memory_free_bytes = free_b;
      cudaSetDevice(previous);
    }
    cudaGetLastError();
    out.push_back(d);
  }
  return out;
}

std::unique_ptr<Backend> make(int index) {
  return make(index, KernelChoices{});
}

std::unique_ptr<Backend> make(int index, const KernelChoices& kernels) {
  return std::make_unique<cuda::CudaBackend>(index, kernels);
}

}  // namespace archscope::cuda_entry
