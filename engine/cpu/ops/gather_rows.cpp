// out[i] = x[rows[i]]: selects rows of an activation tensor (the last position of each sequence
// before the LM head, when a step needs only those logits).
#include <cstring>
#include <span>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::gather_rows(Stream& s, const Tensor& x, const Tensor& rows, Tensor& out) {
  const char* op = "gather_rows";
  check_stream(*this, s, op);
  const contract::GatherDims d = contract::check_gather_rows(x, rows, out);
  check_cpu(x, op, "x");
  check_cpu(rows, op, "rows");
  check_cpu(out, op, "out");
  const int64_t r = d.rows_out, width = d.width;
  const float* xp = host<const float>(x);
  const int32_t* rp = host<const int32_t>(rows);
  float* yp = host<float>(out);
  contract::check_indices(std::span(rp, static_cast<size_t>(r)), d.rows_in, op, "row");
  // Rows are few (one per sequence) and wide: copy them serially.
  for (int64_t i = 0; i < r; ++i) {
    std::memmove(yp + i * width, xp + static_cast<int64_t>(rp[i]) * width,
                 static_cast<size_t>(width) * sizeof(float));
  }
}

}  // namespace archscope::cpu
