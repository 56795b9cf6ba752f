// out[r, m] = a[r, m or 0] | b[r, m or 0]: joins two tensors along the last dim, a size-1 middle
// dim broadcasting over the heads. MLA builds its cache rows ([latent | rope key] per token), the
// naive prefill's per-head keys ([k_nope | shared rope key]) and the absorbed queries with it, one
// call for all tokens and heads. Rows are copied in parallel stretches.
#include <algorithm>
#include <cstring>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

namespace {

bool disjoint(const Tensor& a, const Tensor& b) {
  return a.buffer() != b.buffer() || a.byte_offset() + a.bytes() <= b.byte_offset() ||
         b.byte_offset() + b.bytes() <= a.byte_offset();
}

}  // namespace

void CpuBackend::concat_last(Stream& s, const Tensor& a, const Tensor& b, Tensor& out) {
  const char* op = "concat_last";
  check_stream(*this, s, op);
  const float* ap = in_f32(a, op, "a");
  const float* bp = in_f32(b, op, "b");
  float* yp = out_f32(out, op, "out");
  require(a.rank() == 3 && b.rank() == 3 && out.rank() == 3, op,
          "a, b and out must be 3-D [R, M, width]");
  const int64_t R = out.dim(0), M = out.dim(1), A = a.dim(2), B = b.dim(2);
  if (!(a.dim(0) == R && b.dim(0) == R))
    fail(op, "a " + shape_string(a.shape()) + " and b " + shape_string(b.shape()) +
                 " must have the " + std::to_string(R) + " rows of out");
  if (!(a.dim(1) == M || a.dim(1) == 1))
    fail(op,
         "a's middle dim must be " + std::to_string(M) + " or 1, is " + std::to_string(a.dim(1)));
  if (!(b.dim(1) == M || b.dim(1) == 1))
    fail(op,
         "b's middle dim must be " + std::to_string(M) + " or 1, is " + std::to_string(b.dim(1)));
  if (!(out.dim(2) == A + B))
    fail(op,
         "out's last dim must be " + std::to_string(A + B) + ", is " + std::to_string(out.dim(2)));
  require(disjoint(out, a) && disjoint(out, b), op, "out overlaps an input");
  const int64_t ma = a.dim(1) == 1 ? 0 : 1, mb = b.dim(1) == 1 ? 0 : 1, W = A + B;
  const int64_t rows = R * M;
  if (rows == 0 || W == 0) return;
  pool_.parallel_for(rows, std::max<int64_t>(1, (1 << 13) / std::max<int64_t>(1, W)),
                     [&](int64_t i0, int64_t i1) {
                       for (int64_t i = i0; i < i1; ++i) {
                         const int64_t r = i / M, m = i % M;
                         float* y = yp + i * W;
                         // An empty part may have no buffer at all: memcpy must not see its null
                         // pointer.
                         if (A > 0)
                           std::memcpy(y, ap + (r * a.dim(1) + m * ma) * A,
                                       static_cast<size_t>(A) * sizeof(float));
                         if (B > 0)
                           std::memcpy(y + A, bp + (r * b.dim(1) + m * mb) * B,
                                       static_cast<size_t>(B) * sizeof(float));
                       }
                     });
}

}  // namespace archscope::cpu
