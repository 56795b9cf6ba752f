// Elementwise activations (dense GELU/ReLU FFNs, sigmoid gates).
#include "cpu/activation_math.hpp"
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::activation(Stream& s, const Tensor& x, Tensor& out, Activation a) {
  const char* op = "activation";
  check_stream(*this, s, op);
  contract::check_activation(x, out);
  check_cpu(x, op, "x");
  check_cpu(out, op, "out");
  const float* xp = host<const float>(x);
  float* yp = host<float>(out);
  pool_.parallel_for(x.numel(), 1 << 13, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      const float v = xp[i];
      switch (a) {
        case Activation::GeluTanh: yp[i] = gelu_tanh(v); break;
        case Activation::GeluExact: yp[i] = gelu_exact(v); break;
        case Activation::Relu: yp[i] = relu(v); break;
        case Activation::Silu: yp[i] = silu(v); break;
        case Activation::Sigmoid: yp[i] = sigmoid(v); break;
      }
    }
  });
}

}  // namespace archscope::cpu
