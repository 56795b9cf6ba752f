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
  const float* xp = in_f32(x, op, "x");
  float* yp = out_f32(out, op, "out");
  require(x.rank() >= 1, op, "x needs a last dim");
  const int64_t W = x.dim(-1);
  if (!(offset >= 0 && width >= 0 && offset <= W && width <= W - offset))
    fail(op, "columns [" + std::to_string(offset) + ", " + std::to_string(offset) + " + " +
                 std::to_string(width) + ") outside the last dim of " + std::to_string(W));
  Shape want = x.shape();
  want.back() = width;
  check_shape(out, want, op, "out");
  require(out.buffer() != x.buffer() || out.byte_offset() + out.bytes() <= x.byte_offset() ||
              x.byte_offset() + x.bytes() <= out.byte_offset(),
          op, "out overlaps x");
  const int64_t rows = W == 0 ? 0 : x.numel() / W;
  if (rows == 0 || width == 0) return;
  pool_.parallel_for(rows, std::max<int64_t>(1, (1 << 13) / width), [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i)
      std::memcpy(yp + i * width, xp + i * W + offset, static_cast<size_t>(width) * sizeof(float));
  });
}

}  // namespace archscope::cpu
