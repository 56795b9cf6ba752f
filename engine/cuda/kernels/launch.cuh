// What every kernel of the CUDA backend starts with, and the host-side launch helper the ops use.
// kernel_prologue(): lets the next kernel of the stream be scheduled now (programmatic dependent
// launch, sm_90) and waits until the previous kernel has finished and its writes are visible, so
// a kernel never reads its inputs early; without PDL both are no-ops.
#pragma once

#include <cuda_runtime.h>

#include "cuda/cuda_backend.hpp"
#include "cuda/stream/launch_queue.hpp"

namespace archscope::cuda {

__device__ __forceinline__ void kernel_prologue() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
  asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

template <class P>
void launch(CudaBackend& be, void (*f)(P), dim3 grid, dim3 block, unsigned smem, const P& params) {
  be.queue().kernel(f, grid, block, smem, params);
}

// Raises a kernel's dynamic shared memory limit once (needed above 48 KiB).
template <class P>
void allow_smem(void (*f)(P), unsigned bytes) {
  if (bytes > 48 * 1024)
    cudaFuncSetAttribute(reinterpret_cast<const void*>(f),
                         cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes));
}

}  // namespace archscope::cuda
