// Dense FFN: GLU kinds run gate_proj, up_proj, the activation (act(gate) · up) and down_proj;
// GELU/ReLU run up_proj, the activation and down_proj. Biases on every projection when ffn.bias.
#include "plan/builder.hpp"
#include "plan/costs.hpp"

namespace archscope::plan_detail {

void add_dense_ffn(const Builder& b, std::vector<Op>& ops) {
  const FfnConfig& f = b.config.ffn;
  const int64_t d = b.config.d_model;
  const bool gated = costs::ffn_gated(f.kind);
  if (gated) ops.push_back(finish(b.matmul("gate_proj", Component::DenseFfn, d, f.d_ff, f.bias)));
  ops.push_back(finish(b.matmul("up_proj", Component::DenseFfn, d, f.d_ff, f.bias)));
  ops.push_back(finish(b.elementwise("act", OpKind::Activation, Component::DenseFfn,
                                     b.row({f.d_ff}), gated ? 2 : 1, costs::ffn_activation(f))));
  ops.push_back(finish(b.matmul("down_proj", Component::DenseFfn, f.d_ff, d, f.bias)));
}

}  // namespace archscope::plan_detail
