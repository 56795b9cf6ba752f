#include "plan/builder.hpp"

#include <limits>

#include "common/error.hpp"
#include "plan/costs.hpp"
#include "quant/held_bits.hpp"

namespace archscope::plan_detail {

namespace {
uint64_t narrow(wide v, const std::string& op, const char* field) {
  if (v > std::numeric_limits<uint64_t>::max()) {
    throw Error(ErrorKind::Validation, "options",
                "op " + op + ": " + field + " does not fit in 64 bits; reduce batch or context");
  }
  return static_cast<uint64_t>(v);
}

wide bits_to_bytes(wide elements, DType t) {
  return (elements * static_cast<wide>(dtype_bits(t)) + 7) / 8;
}
}  // namespace

Op finish(const OpDraft& d) {
  Op op;
  op.name = d.name;
  op.kind = d.kind;
  op.component = d.component;
  op.inputs = d.inputs;
  op.output = d.output;
  op.params = narrow(d.params, d.name, "params");
  op.params_active = narrow(d.params_active, d.name, "params_active");
  op.param_bytes = narrow(d.param_bytes, d.name, "param_bytes");
  op.flops = static_cast<FlopCount>(d.flops);  // no 64-bit limit: see FlopCount
  op.bytes_read = narrow(d.bytes_read, d.name, "bytes_read");
  op.bytes_written = narrow(d.bytes_written, d.name, "bytes_written");
  op.kv_bytes_written = narrow(d.kv_bytes_written, d.name, "kv_bytes_written");
  op.kv_bytes_held = narrow(d.kv_bytes_held, d.name, "kv_bytes_held");
  op.compute = d.compute;
  return op;
}

Builder::Builder(const ModelConfig& c, const PlanOptions& o)
    : config(c),
      options(o),
      decode(o.phase == Phase::Decode),
      batch(o.batch),
      new_tokens(decode ? 1 : o.tokens),
      first_position(decode ? o.context : o.prefill_offset),
      rows(o.batch * (decode ? 1 : o.tokens)) {}

DType Builder::plain_weights() const {
  return dtype_is_quantized(options.weights) ? DType::BF16 : options.weights;
}

DType Builder::matmul_compute() const {
  return dtype_is_quantized(options.weights) ? options.weights : options.activations;
}

wide Builder::act_bytes(wide elements) const { return bits_to_bytes(elements, options.activations); }
wide Builder::kv_bytes(wide elements) const { return bits_to_bytes(elements, options.kv); }
bool Builder::kv_scaled() const {
  return options.kv == DType::INT8 || options.kv == DType::FP8;
}
wide Builder::kv_cache_bytes(wide elements, wide vectors) const {
  return kv_bytes(elements) + (kv_scaled() ? vectors * 4 : 0);
}
wide Builder::state_bytes(wide elements) const {
  return bits_to_bytes(elements, kv_scaled() ? DType::F32 : options.kv);
}
wide Builder::plain_bytes(wide params) const { return bits_to_bytes(params, plain_weights()); }

wide Builder::matmul_bytes(wide params) const {
  wide bytes = bits_to_bytes(params, options.weights);
  if (dtype_is_quantized(options.weights) && options.quant_group_size > 0) {
    const wide g = w(options.quant_group_size);
    bytes += (params + g - 1) / g * 2;  // one bf16 scale per group
  }
  return bytes;
}

wide Builder::linear_bytes(int64_t n, int64_t k) const {
  if (!options.weights_quant || options.weights_quant_scope != QuantScope::BlockLinear) return matmul_bytes(w(n) * w(k));
  return quant_bytes(n, k);
}

wide Builder::expert_linear_bytes(int64_t n, int64_t k) const {
  if (!options.weights_quant) return matmul_bytes(w(n) * w(k));
  return quant_bytes(n, k);
}

wide Builder::quant_bytes(int64_t n, int64_t k) const {
  const quant::Format f = *options.weights_quant;
  const uint64_t bits =
      options.weights_quant_format_count ? quant::storage_bits(f, n, k) : quant::held_bits(f, n, k);
  return (static_cast<wide>(bits) + 7) / 8;
}

Shape Builder::row(std::initializer_list<int64_t> dims) const {
  Shape s{rows};
  s.insert(s.end(), dims.begin(), dims.end());
  return s;
}

OpDraft Builder::matmul(std::string name, Component component, int64_t in, int64_t out, bool bias,
                        bool plain) const {
  OpDraft d;
  d.name = std::move(name);
  d.kind = OpKind::Matmul;
  d.component = component;
  d.inputs = {row({in})};
  d.output = row({out});
  const wide matrix = w(in) * w(out);
  const wide bias_params = bias ? w(out) : 0;
  d.params = d.params_active = matrix + bias_params;
  d.param_bytes = (plain ? plain_bytes(matrix) : linear_bytes(out, in)) + plain_bytes(bias_params);
  d.flops = 2 * w(rows) * matrix + w(rows) * bias_params;
  d.bytes_read = d.param_bytes + act_bytes(w(rows) * w(in));
  d.bytes_written = act_bytes(w(rows) * w(out));
  d.compute = plain ? options.activations : matmul_compute();
  return d;
}

OpDraft Builder::norm(std::string name, int64_t groups, int64_t width, int64_t weights, bool bias,
                      int64_t flops_per_element) const {
  OpDraft d;
  d.name = std::move(name);
  d.kind = OpKind::Norm;
  d.component = Component::Norms;
  const Shape shape = groups == 1 ? row({width}) : row({groups, width});
  d.inputs = {shape};
  d.output = shape;
  d.params = d.params_active = w(weights) * (bias ? 2 : 1);
  d.param_bytes = plain_bytes(d.params);
  const wide elements = w(rows) * w(groups) * w(width);
  d.flops = elements * w(flops_per_element);
  d.bytes_read = d.param_bytes + act_bytes(elements);
  d.bytes_written = act_bytes(elements);
  d.compute = options.activations;
  return d;
}

OpDraft Builder::elementwise(std::string name, OpKind kind, Component component, Shape row_shape,
                             int64_t inputs, int64_t flops_per_element) const {
  OpDraft d;
  d.name = std::move(name);
  d.kind = kind;
  d.component = component;
  wide elements = 1;
  for (int64_t v : row_shape) elements *= w(v);
  d.inputs.assign(static_cast<size_t>(inputs), row_shape);
  d.output = row_shape;
  d.flops = elements * w(flops_per_element);
  d.bytes_read = act_bytes(elements * w(inputs));
  d.bytes_written = act_bytes(elements);
  d.compute = options.activations;
  return d;
}

OpDraft Builder::residual(std::string name, Component component) const {
  return elementwise(std::move(name), OpKind::Add, component, row({config.d_model}), 2, 1);
}

int64_t inner_norm_flops(const ModelConfig& config) {
  return costs::norm_per_element(config.norm.kind, false);
}

}  // namespace archscope::plan_detail
