// out[r, m] = a[r, m or 0] | b[r, m or 0]: joins two tensors along the last dim, a size-1 middle
// dim broadcasting over the heads. MLA builds its cache rows ([latent | rope key] per token), the
// naive prefill's per-head keys ([k_nope | shared rope key]) and the absorbed queries with it, one
// call for all tokens and heads. Rows are copied in parallel stretches.
#include <algorithm>
#include <cstring>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::concat_last(Stream& s, const Tensor& a, const Tensor& b, Tensor& out) {
  const char* op = "concat_last";
  check_stream(*this, s, op);
  const contract::ConcatDims d = contract::check_concat_last(a, b, out);
  check_cpu(a, op, "a");
  check_cpu(b, op, "b");
  check_cpu(out, op, "out");
  const float* ap = host<const float>(a);
  const float* bp = host<const float>(b);
  float* yp = host<float>(out);
  const int64_t M = d.mid, A = d.a_width, B = d.b_width, W = A + B;
  const int64_t ma = d.a_mid == 1 ? 0 : 1, mb = d.b_mid == 1 ? 0 : 1;
  const int64_t rows = d.rows * M;
  if (rows == 0 || W == 0) return;
  pool_.parallel_for(
      rows, std::max<int64_t>(1, (1 << 13) / std::max<int64_t>(1, W)), [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) {
          const int64_t r = i / M, m = i % M;
          float* y = yp + i * W;
          // An empty part may have no buffer at all: memcpy must not see its null
          // pointer.
          if (A > 0)
            std::memcpy(y, ap + (r * d.a_mid + m * ma) * A, static_cast<size_t>(A) * sizeof(float));
          if (B > 0)
            std::memcpy(y + A, bp + (r * d.b_mid + m * mb) * B,
                        static_cast<size_t>(B) * sizeof(float));
        }
      });
}

}  // namespace archscope::cpu
