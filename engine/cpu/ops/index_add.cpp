// out[index[r]] += weight[r] * src[r]: the MoE combine (each token gets its k weighted expert
// outputs). Source rows are visited in order, so on the CPU each output row's additions happen in
// increasing r; threads split the columns, which keeps rows with equal index in one thread.
#include <algorithm>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::index_add(Stream& s, const Tensor& src, const Tensor& index, const Tensor& weight, Tensor& out) {
  const char* op = "index_add";
  check_stream(*this, s, op);
  const float* sp = in_f32(src, op, "src");
  const int32_t* ip = in_i32(index, op, "index");
  float* yp = out_f32(out, op, "out");
  require(src.rank() == 2 && out.rank() == 2, op, "src and out must be 2-D");
  const int64_t R = src.dim(0), W = src.dim(1), N = out.dim(0);
  require(out.dim(1) == W, op, "out " + shape_string(out.shape()) + " and src " + shape_string(src.shape()) +
                                   " differ in width");
  check_shape(index, {R}, op, "index");
  const float* wp = nullptr;
  if (weight.defined()) {
    wp = in_f32(weight, op, "weight");
    check_shape(weight, {R}, op, "weight");
  }
  require(src.buffer() != out.buffer() || src.byte_offset() + src.bytes() <= out.byte_offset() ||
              out.byte_offset() + out.bytes() <= src.byte_offset(),
          op, "src overlaps out");
  for (int64_t r = 0; r < R; ++r)
    require(ip[r] >= 0 && ip[r] < N, op, "index " + std::to_string(ip[r]) + " outside [0, " + std::to_string(N) + ")");
  // Columns in chunks of 64 floats (a cache line's worth of 16 lanes, four times) per task.
  const int64_t chunks = (W + 63) / 64;
  pool_.parallel_for(chunks, std::max<int64_t>(1, 64 / std::max<int64_t>(1, R)), [&](int64_t c0, int64_t c1) {
    const int64_t w0 = c0 * 64, w1 = std::min(W, c1 * 64);
    for (int64_t r = 0; r < R; ++r) {
      const float f = wp ? wp[r] : 1.0f;
      const float* a = sp + r * W;
      float* y = yp + static_cast<int64_t>(ip[r]) * W;
      for (int64_t i = w0; i < w1; ++i) y[i] += f * a[i];
    }
  });
}

}  // namespace archscope::cpu
