// out[i] = x[rows[i]]: selects rows of an activation tensor (the last position of each sequence
// before the LM head, when a step needs only those logits).
#include <cstring>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::gather_rows(Stream& s, const Tensor& x, const Tensor& rows, Tensor& out) {
  const char* op = "gather_rows";
  check_stream(*this, s, op);
  const float* xp = in_f32(x, op, "x");
  const int32_t* rp = in_i32(rows, op, "rows");
  float* yp = out_f32(out, op, "out");
  require(x.rank() >= 1 && rows.rank() == 1, op, "x needs a row dimension and rows must be 1-D");
  const int64_t n = x.dim(0);
  const int64_t r = rows.dim(0);
  const int64_t width = n == 0 ? 0 : x.numel() / n;
  require(out.numel() == r * width && (out.rank() == 0 || out.dim(0) == r), op,
          "out " + shape_string(out.shape()) + " does not hold " + std::to_string(r) + " rows of " +
              std::to_string(width));
  for (int64_t i = 0; i < r; ++i) {
    require(rp[i] >= 0 && rp[i] < n, op,
            "row " + std::to_string(rp[i]) + " outside [0, " + std::to_string(n) + ")");
  }
  // Rows are few (one per sequence) and wide: copy them serially.
  for (int64_t i = 0; i < r; ++i) {
    std::memmove(yp + i * width, xp + static_cast<int64_t>(rp[i]) * width,
                 static_cast<size_t>(width) * sizeof(float));
  }
}

}  // namespace archscope::cpu
