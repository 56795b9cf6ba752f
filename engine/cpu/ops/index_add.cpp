// out[index[r]] += weight[r] * src[r]: the MoE combine (each token gets its k weighted expert
// outputs). Source rows are visited in order, so on the CPU each output row's additions happen in
// increasing r; threads split the columns, which keeps rows with equal index in one thread.
#include <algorithm>
#include <span>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::index_add(Stream& s, const Tensor& src, const Tensor& index, const Tensor& weight, Tensor& out) {
  const char* op = "index_add";
  check_stream(*this, s, op);
  const contract::IndexAddDims d = contract::check_index_add(src, index, weight, out);
  check_cpu(src, op, "src");
  check_cpu(index, op, "index");
  check_cpu_optional(weight, op, "weight");
  check_cpu(out, op, "out");
  const int64_t R = d.rows, W = d.width;
  const float* sp = host<const float>(src);
  const int32_t* ip = host<const int32_t>(index);
  float* yp = host<float>(out);
  const float* wp = host_or_null<const float>(weight);
  contract::check_indices(std::span(ip, static_cast<size_t>(R)), d.out_rows, op, "index");
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
