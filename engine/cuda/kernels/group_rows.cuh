// Device helpers of the grouped (per-expert) kernels: which expert's row range holds a row, and
// the check that the offsets partition [0, R) as backend.hpp's grouped_linear contract states.
// Rows a bad partition leaves without an expert are skipped by the callers, so bad offsets never
// index out of bounds; the check reports them (DeviceCheck::GroupOffsets*).
#pragma once

#include <cstdint>

#include "cuda/kernels/common.cuh"

namespace archscope::cuda {

// The expert e with offsets[e] <= r < offsets[e + 1] (the last such e where empty experts share
// an offset), or -1 when none holds r.
__device__ __forceinline__ int expert_of_row(const int32_t* offsets, int64_t E, int64_t r) {
  int64_t lo = 0, hi = E;  // the last e with offsets[e] <= r, then check r < offsets[e + 1]
  while (hi - lo > 1) {
    const int64_t mid = (lo + hi) / 2;
    if (offsets[mid] <= r)
      lo = mid;
    else
      hi = mid;
  }
  return offsets[lo] <= r && r < offsets[lo + 1] ? static_cast<int>(lo) : -1;
}

// One warp checks offsets[0] == 0, offsets[E] == R and that no offset decreases; reports the
// first failure it sees.
__device__ __forceinline__ void check_group_offsets(const int32_t* offsets, int64_t E, int64_t R,
                                                    DeviceErrors* err) {
  const int lane = threadIdx.x & 31;
  if (offsets[0] != 0 || offsets[E] != R) {
    if (lane == 0) report(err, DeviceCheck::GroupOffsetsEnds, offsets[0], offsets[E], R);
    return;
  }
  for (int64_t e0 = 0; e0 < E; e0 += 32) {
    const int64_t e = e0 + lane;
    const bool bad = e < E && offsets[e] > offsets[e + 1];
    const unsigned m = __ballot_sync(0xffffffffu, bad);
    if (m) {
      if (lane == 0) report(err, DeviceCheck::GroupOffsetsDecrease, e0 + __ffs(m) - 1, 0);
      return;
    }
  }
}

}  // namespace archscope::cuda
