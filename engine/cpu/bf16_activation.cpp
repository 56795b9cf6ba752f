#include "cpu/bf16_activation.hpp"

#include "cpu/check.hpp"
#include "cpu/half.hpp"

namespace archscope::cpu {

Tensor widened_to_f32(Backend& be, const Tensor& x) {
  Tensor f = be.alloc(Elem::F32, x.shape());
  const auto* xp = host<const uint16_t>(x);
  float* fp = host<float>(f);
  const int64_t n = x.numel();
  for (int64_t i = 0; i < n; ++i) fp[i] = bf16_to_f32(xp[i]);
  return f;
}

void round_to_bf16(const Tensor& f32, Tensor& out) {
  const float* fp = host<const float>(f32);
  auto* op = host<uint16_t>(out);
  const int64_t n = out.numel();
  for (int64_t i = 0; i < n; ++i) op[i] = f32_to_bf16(fp[i]);
}

}  // namespace archscope::cpu
