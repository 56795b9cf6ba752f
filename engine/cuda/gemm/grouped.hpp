// The grouped (per-expert) linear kernels behind ops/grouped_linear.cu: out[r] = x[r] . w[e(r)]^T
// (+ bias[e(r)]) where e(r) is the expert whose rows [offsets[e], offsets[e+1]) hold r, the
// offsets in device memory (moe_group writes them; the host never reads the counts).
// - launch_grouped_gemv (decode, few rows per expert): every tile of up to 8 rows of one expert
//   streams that expert's weight rows once, a warp per output as the dense gemv does (16-byte
//   loads, fp32 arithmetic); an expert with no rows costs nothing, so a decode step reads only the
//   selected experts' weights.
// - launch_grouped_mma (prefill, bf16 weights): a tensor-core tile GEMM (mma.sync m16n8k16, fp32
//   accumulation) over tiles of 64 rows of one expert; the activations are rounded to bf16 on
//   their way into shared memory, so per output the error is at most
//   u_bf16 * sum|x w| + (fp32 accumulation) as for the dense linear's cuBLASLt path.
// Both report rows that no expert's range holds, and offsets that are not a partition of [0, R),
// through the device error slot (first block), and leave such rows unwritten.
#pragma once

#include <cstdint>

#include "cuda/device_errors.hpp"
#include "cuda/kernels/elem.hpp"

namespace archscope::cuda {

class CudaBackend;

struct GroupedArgs {
  const float* x = nullptr;          // [R, K]
  const void* w = nullptr;           // [E, N, K] of `we`
  const float* bias = nullptr;       // [E, N] or null
  const int32_t* offsets = nullptr;  // [E + 1]
  float* out = nullptr;              // [R, N]
  DeviceErrors* err = nullptr;
  int64_t R = 0, N = 0, K = 0, E = 0;
  FElem we = FElem::F32;
};

void launch_grouped_gemv(CudaBackend& be, const GroupedArgs& a);

// Whether the tensor-core kernel takes these arguments: bf16 weights, K > 0 a multiple of 8, x
// and w 16-byte aligned, at most 65535 tiles (grid y).
bool grouped_mma_supports(const GroupedArgs& a);
void launch_grouped_mma(CudaBackend& be, const GroupedArgs& a);

}  // namespace archscope::cuda
