#include "plan/memory_fit.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace archscope {

namespace {

using wide = unsigned __int128;

wide elements(const Shape& s) {
  wide n = 1;
  for (int64_t d : s) n *= static_cast<wide>(d);
  return n;
}

// Activation elements an op holds while it runs (see peak_activation_bytes).
wide working_set(const Op& op) {
  if (op.kind == OpKind::Attention) {
    if (op.name == "attn_scores") return op.inputs.empty() ? 0 : elements(op.inputs.front());
    return elements(op.output);  // attn_values
  }
  wide n = op.kind == OpKind::CacheWrite ? 0 : elements(op.output);
  for (const Shape& s : op.inputs) n += elements(s);
  return n;
}

uint64_t checked(wide v, const char* what) {
  if (v > static_cast<wide>(UINT64_MAX))
    throw Error(ErrorKind::Validation, "options",
                std::string(what) + " does not fit in 64 bits; reduce batch or context");
  return static_cast<uint64_t>(v);
}

}  // namespace

uint64_t peak_activation_bytes(const Plan& plan) {
  if (plan.layers.empty() && plan.prologue.empty()) return 0;
  // The residual stream's width: the embedding's output.
  int64_t d_model = 0;
  if (!plan.prologue.empty() && plan.prologue.front().output.size() >= 2)
    d_model = plan.prologue.front().output.back();
  wide largest = 0;
  plan.for_each_op([&](const Op& op) { largest = std::max(largest, working_set(op)); });
  const wide live = static_cast<wide>(plan.rows) * static_cast<wide>(d_model) + largest;
  const wide bits = live * static_cast<wide>(dtype_bits(plan.options.activations));
  return checked((bits + 7) / 8, "peak activation bytes");
}

MemoryFit memory_fit(uint64_t weights_bytes, uint64_t kv_bytes, const Plan& prefill_last_row,
                     const Plan& decode, const std::optional<HardwareProfile>& hardware) {
  MemoryFit m;
  m.weights_bytes = weights_bytes;
  m.kv_bytes = kv_bytes;
  m.activation_bytes_prefill = peak_activation_bytes(prefill_last_row);
  m.activation_bytes_decode = peak_activation_bytes(decode);
  m.activation_bytes = std::max(m.activation_bytes_prefill, m.activation_bytes_decode);
  const wide split = static_cast<wide>(weights_bytes) + kv_bytes;
  m.required_bytes = checked(split + m.activation_bytes, "required memory");
  if (!hardware || hardware->memory_bytes == 0) return m;
  const uint64_t device = hardware->memory_bytes;
  m.device_bytes = device;
  m.fits = m.required_bytes <= device;
  if (m.activation_bytes < device) {
    const wide room = device - m.activation_bytes;  // per device, once its activations are in
    m.min_devices = static_cast<int64_t>(std::max<wide>(1, (split + room - 1) / room));
  }
  return m;
}

}  // namespace archscope
