// The visible key range of a query at position pos: [first_key(pos), pos].
#pragma once

#include <cstdint>

#include "backend/op_params.hpp"

namespace archscope::cuda {

__device__ __forceinline__ int64_t first_key(int mask, int64_t window, int64_t pos) {
  if (mask == static_cast<int>(AttentionMask::Sliding))
    return pos - window + 1 > 0 ? pos - window + 1 : 0;
  if (mask == static_cast<int>(AttentionMask::Chunked)) return pos / window * window;
  return 0;
}

}  // namespace archscope::cuda
