// out[r] = argmax of row r of x, the lowest index on ties; a row with a NaN gets -1 - (the index
// of its first NaN). Greedy decoding's next token on the backend (the host sampler's rule,
// generate/sampler.hpp: std::max_element keeps the first of equal maxima).
#include <cmath>
#include <cstdint>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::argmax(Stream& s, const Tensor& x, Tensor& out) {
  const char* op = "argmax";
  check_stream(*this, s, op);
  const contract::ArgmaxDims d = contract::check_argmax(x, out);
  check_cpu(x, op, "x");
  check_cpu(out, op, "out");
  const float* xp = host<const float>(x);
  int32_t* yp = host<int32_t>(out);
  // Rows are few (one per sequence): serial, one pass each.
  for (int64_t r = 0; r < d.rows; ++r) {
    const float* row = xp + r * d.width;
    int64_t best = 0, nan = -1;
    for (int64_t i = 0; i < d.width; ++i) {
      if (std::isnan(row[i])) {
        nan = i;
        break;
      }
      if (row[i] > row[best]) best = i;
    }
    yp[r] = static_cast<int32_t>(nan >= 0 ? -1 - nan : best);
  }
}

}  // namespace archscope::cpu
