#include "runner/tensor_check.hpp"

#include <cmath>
#include <limits>

#include "common/error.hpp"

namespace archscope::prof {

double TensorCheck::rms() const {
  if (!finite()) return std::numeric_limits<double>::quiet_NaN();
  return count > 0 ? std::sqrt(sum_sq / static_cast<double>(count)) : 0.0;
}

TensorCheck check_tensor(Backend& backend, Stream& stream, const Tensor& t, std::vector<float>& scratch) {
  if (t.elem() != Elem::F32) throw Error(ErrorKind::Internal, "profiler", "tensor check needs an F32 tensor");
  const size_t n = static_cast<size_t>(t.numel());
  if (scratch.size() < n) scratch.resize(n);
  backend.download(stream, t, scratch.data());
  backend.synchronize(stream);
  TensorCheck c;
  c.count = static_cast<int64_t>(n);
  for (size_t i = 0; i < n; ++i) {
    const float v = scratch[i];
    if (std::isfinite(v)) {
      c.sum_sq += static_cast<double>(v) * v;
    } else if (std::isnan(v)) {
      c.has_nan = true;
    } else {
      c.has_inf = true;
    }
  }
  return c;
}

}  // namespace archscope::prof
