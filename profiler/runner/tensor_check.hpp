// Reads an F32 tensor back through the backend (download, never a host pointer) and summarises
// it: sum of squares for the RMS, and whether it holds NaN or Inf.
#pragma once

#include <cstdint>
#include <vector>

#include "backend/backend.hpp"

namespace archscope::prof {

struct TensorCheck {
  double sum_sq = 0;  // over the finite elements
  int64_t count = 0;  // elements read
  bool has_nan = false;
  bool has_inf = false;
  bool finite() const { return !has_nan && !has_inf; }
  // sqrt(mean of squares); NaN when any element is not finite (no meaningful RMS then).
  double rms() const;
};

// `scratch` is reused between calls so a run allocates once. Synchronises the stream.
TensorCheck check_tensor(Backend& backend, Stream& stream, const Tensor& t, std::vector<float>& scratch);

}  // namespace archscope::prof
