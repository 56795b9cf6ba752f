// Grid size of the elementwise kernels: enough blocks of 256 threads to cover n (grid-stride
// loops past 8 blocks per multiprocessor), a pure function of n so graph replays stay unchanged.
#pragma once

#include <algorithm>
#include <cstdint>

namespace archscope::cuda {

inline unsigned elementwise_grid(int64_t n, int sms) {
  const int64_t blocks = (n + 255) / 256;
  return static_cast<unsigned>(
      std::max<int64_t>(1, std::min<int64_t>(blocks, static_cast<int64_t>(sms) * 8)));
}

}  // namespace archscope::cuda
