// out[:] = value: zeroes accumulators (the MoE combine) and sets I32 tables without a host upload.
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::fill(Stream& s, Tensor& out, float value) {
  const char* op = "fill";
  check_stream(*this, s, op);
  contract::check_fill(out, value);
  check_cpu(out, op, "out");
  if (out.elem() == Elem::I32) {
    int32_t* yp = host<int32_t>(out);
    const auto v = static_cast<int32_t>(value);
    for (int64_t i = 0; i < out.numel(); ++i) yp[i] = v;
    return;
  }
  float* yp = host<float>(out);
  pool_.parallel_for(out.numel(), 1 << 15, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) yp[i] = value;
  });
}

}  // namespace archscope::cpu
