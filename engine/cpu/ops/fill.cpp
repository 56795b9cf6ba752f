// out[:] = value: zeroes accumulators (the MoE combine) and sets I32 tables without a host upload.
#include <cmath>
#include <limits>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::fill(Stream& s, Tensor& out, float value) {
  const char* op = "fill";
  check_stream(*this, s, op);
  check_cpu(out, op, "out");
  if (out.elem() == Elem::I32) {
    require(std::nearbyint(value) == value && value >= static_cast<float>(std::numeric_limits<int32_t>::min()) &&
                value <= static_cast<float>(std::numeric_limits<int32_t>::max()) - 128.0f,
            op, "value is not an int32 for an I32 tensor");
    int32_t* yp = out_i32(out, op, "out");
    const auto v = static_cast<int32_t>(value);
    for (int64_t i = 0; i < out.numel(); ++i) yp[i] = v;
    return;
  }
  float* yp = out_f32(out, op, "out");
  pool_.parallel_for(out.numel(), 1 << 15, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) yp[i] = value;
  });
}

}  // namespace archscope::cpu
