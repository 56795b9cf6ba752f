// Gated DeltaNet linear attention (Qwen3-Next). Parameters: in_proj_qkvz, in_proj_ba, the
// depthwise conv1d (no bias), A_log and dt_bias (one per value head), the gated RMSNorm over
// value_head_dim, out_proj. The layer holds constant state instead of a KV cache: the conv state
// (conv_dim × (conv_kernel − 1)) and the recurrent state (value_heads × key_head_dim ×
// value_head_dim), both at the KV dtype.
//
// Recurrence FLOPs, per token and value head, with state S of key_head_dim × value_head_dim
// (dk × dv), in the recurrent form (chunked prefill kernels do more arithmetic for parallelism;
// the recurrent count is the algorithmic one and the same in both phases):
//   decay S ← g·S                 dk·dv
//   read  S^T k                   2·dk·dv
//   delta (v − S^T k)·beta        2·dv
//   write S ← S + k ⊗ delta       2·dk·dv
//   out   S^T q                   2·dk·dv      → 7·dk·dv + 2·dv
// plus, per token and key head, the L2 norms of q and k (2 × 3·dk) and the q scale (dk).
// The state is read and written once per decode step; prefill starts from zero state and writes
// it once at the end.
#include "plan/builder.hpp"
#include "plan/costs.hpp"

namespace archscope::plan_detail {

void add_linear_attention(const Builder& b, const LayerSpec&, std::vector<Op>& ops) {
  const LinearAttentionConfig& l = b.config.attention.linear;
  const int64_t d = b.config.d_model;
  const int64_t key_dim = l.key_heads * l.key_head_dim;
  const int64_t value_dim = l.value_heads * l.value_head_dim;
  const int64_t conv_dim = 2 * key_dim + value_dim;
  const wide rows = w(b.rows), batch = w(b.batch);

  ops.push_back(finish(
      b.matmul("in_proj_qkvz", Component::Attention, d, 2 * key_dim + 2 * value_dim, false)));
  ops.push_back(finish(b.matmul("in_proj_ba", Component::Attention, d, 2 * l.value_heads, false)));

  {
    OpDraft conv;
    conv.name = "conv1d";
    conv.kind = OpKind::Conv;
    conv.component = Component::Attention;
    conv.inputs = {b.row({conv_dim})};
    conv.output = b.row({conv_dim});
    conv.params = conv.params_active = w(conv_dim) * w(l.conv_kernel);
    conv.param_bytes = b.plain_bytes(conv.params);
    conv.flops = rows * w(conv_dim) * w(2 * l.conv_kernel + costs::kSilu);  // taps, then SiLU
    const wide state = b.state_bytes(batch * w(conv_dim) * w(l.conv_kernel - 1));
    conv.bytes_read = conv.param_bytes + b.act_bytes(rows * w(conv_dim)) +
                      (b.first_position > 0 || b.decode ? state : 0);
    conv.bytes_written = b.act_bytes(rows * w(conv_dim)) + state;
    conv.kv_bytes_written = conv.kv_bytes_held = state;
    conv.compute = b.options.activations;
    ops.push_back(finish(conv));
  }
  {
    OpDraft gates = b.elementwise("gates", OpKind::Gate, Component::Attention,
                                  b.row({2 * l.value_heads}), 1, 0);
    gates.output = b.row({2, l.value_heads});  // g and beta
    gates.params = gates.params_active = w(2 * l.value_heads);  // A_log, dt_bias
    gates.param_bytes = b.plain_bytes(gates.params);
    gates.flops = rows * w(l.value_heads) * costs::kDeltaGates;
    gates.bytes_read += gates.param_bytes;
    ops.push_back(finish(gates));
  }
  {
    OpDraft rec;
    rec.name = "recurrence";
    rec.kind = OpKind::Recurrence;
    rec.component = Component::Attention;
    rec.inputs = {b.row({l.key_heads, l.key_head_dim}), b.row({l.key_heads, l.key_head_dim}),
                  b.row({l.value_heads, l.value_head_dim}), b.row({2, l.value_heads})};
    rec.output = b.row({l.value_heads, l.value_head_dim});
    const wide dk = w(l.key_head_dim), dv = w(l.value_head_dim);
    rec.flops = rows * (w(l.value_heads) * (7 * dk * dv + 2 * dv) +
                        w(l.key_heads) * dk * (2 * costs::kL2Norm + 1));
    const wide state = b.state_bytes(batch * w(l.value_heads) * dk * dv);
    rec.bytes_read = b.act_bytes(rows * w(conv_dim + 2 * l.value_heads)) +
                     (b.first_position > 0 || b.decode ? state : 0);
    rec.bytes_written = b.act_bytes(rows * w(value_dim)) + state;
    rec.kv_bytes_written = rec.kv_bytes_held = state;
    rec.compute = b.options.activations;
    ops.push_back(finish(rec));
  }
  {
    // RMSNorm(o) · SiLU(z) per value head; the weight is plain (not 1 + w).
    OpDraft norm = b.norm("out_norm", l.value_heads, l.value_head_dim, l.value_head_dim, false,
                          costs::kRmsNorm + costs::kSilu + 1);
    norm.inputs.push_back(b.row({l.value_heads, l.value_head_dim}));  // z
    norm.bytes_read += b.act_bytes(rows * w(value_dim));
    ops.push_back(finish(norm));
  }
  ops.push_back(finish(b.matmul("out_proj", Component::Attention, value_dim, d, false)));
}

}  // namespace archscope::plan_detail
