// out[..., :] = x[..., offset : offset + width]: a column range of the last dim, e.g. the nope
// and rope parts of MLA's per-head queries or the latent part of the absorbed attention output.
// Rows are copied in parallel stretches.
#include <algorithm>
#include <cstring>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::slice_last(Stream& s, const Tensor& x, int64_t offset, int64_t width,
                            Tensor& out) {
  const char* op = "slice_last";
  check_stream(*this, s, op);
  const contract::SliceDims d = contract::check_slice_last(x, offset, width, out);
  check_cpu(x, op, "x");
  check_cpu(out, op, "out");
  const float* xp = host<const float>(x);
  float* yp = host<float>(out);
  const int64_t rows = d.rows, W = d.width;
  if (rows == 0 || width == 0) return;
  pool_.parallel_for(rows, std::max<int64_t>(1, (1 << 13) / width), [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i)
      std::memcpy(yp + i * width, xp + i * W + offset, static_cast<size_t>(width) * sizeof(float));
  });
}

}  // namespace archscope::cpu
