#include "runner/checked_backend.hpp"

#include <utility>

namespace archscope::prof {

std::vector<Tensor> CheckedBackend::take_outputs() {
  std::vector<Tensor> out;
  out.swap(outputs_);
  return out;
}

void CheckedBackend::fill(Stream& s, Tensor& out, float value) {
  inner_.fill(s, out, value);
  note(out);
}

void CheckedBackend::copy(Stream& s, const Tensor& src, Tensor& dst) {
  inner_.copy(s, src, dst);
  note(dst);
}

void CheckedBackend::scale(Stream& s, const Tensor& x, float scale, const Tensor& row_scale, Tensor& out) {
  inner_.scale(s, x, scale, row_scale, out);
  note(out);
}

void CheckedBackend::index_add(Stream& s, const Tensor& src, const Tensor& index, const Tensor& weight,
                               Tensor& out) {
  inner_.index_add(s, src, index, weight, out);
  note(out);
}

void CheckedBackend::concat_last(Stream& s, const Tensor& a, const Tensor& b, Tensor& out) {
  inner_.concat_last(s, a, b, out);
  note(out);
}

void CheckedBackend::slice_last(Stream& s, const Tensor& x, int64_t offset, int64_t width, Tensor& out) {
  inner_.slice_last(s, x, offset, width, out);
  note(out);
}

void CheckedBackend::head_linear(Stream& s, const Tensor& x, const Tensor& w, Tensor& out) {
  inner_.head_linear(s, x, w, out);
  note(out);
}

// Its outputs are indices and the router's weights (checked when the router wrote them).
void CheckedBackend::moe_group(Stream& s, const Tensor& ids, const Tensor& weights, int64_t experts,
                               Tensor& token_of, Tensor& weight_of, Tensor& offsets) {
  inner_.moe_group(s, ids, weights, experts, token_of, weight_of, offsets);
}

void CheckedBackend::grouped_linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                                    const Tensor& offsets, Tensor& out) {
  inner_.grouped_linear(s, x, w, bias, offsets, out);
  note(out);
}

void CheckedBackend::embedding(Stream& s, const Tensor& ids, const Tensor& table, float scale,
                               const Tensor& positions, const Tensor& pos_table, Tensor& out) {
  inner_.embedding(s, ids, table, scale, positions, pos_table, out);
  note(out);
}

void CheckedBackend::add(Stream& s, const Tensor& a, const Tensor& b, float scale, Tensor& out) {
  inner_.add(s, a, b, scale, out);
  note(out);
}

void CheckedBackend::gather_rows(Stream& s, const Tensor& x, const Tensor& rows, Tensor& out) {
  inner_.gather_rows(s, x, rows, out);
  note(out);
}

void CheckedBackend::add_norm(Stream& s, Tensor& h, const Tensor& r, const Tensor& weight, const Tensor& bias,
                              Tensor& out, const NormParams& p) {
  inner_.add_norm(s, h, r, weight, bias, out, p);
  note(h);
  note(out);
}

void CheckedBackend::norm(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& out,
                          const NormParams& p) {
  inner_.norm(s, x, weight, bias, out, p);
  note(out);
}

void CheckedBackend::gated_rms_norm(Stream& s, const Tensor& x, const Tensor& z, const Tensor& weight, float eps,
                                    int64_t width, Tensor& out) {
  inner_.gated_rms_norm(s, x, z, weight, eps, width, out);
  note(out);
}

void CheckedBackend::linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& out) {
  inner_.linear(s, x, w, bias, out);
  note(out);
}

void CheckedBackend::linear_residual(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& h) {
  inner_.linear_residual(s, x, w, bias, h);
  note(h);
}

void CheckedBackend::rope_kv_store(Stream& s, Tensor& q, Tensor& k, const Tensor& v, const Tensor& positions,
                                   const Tensor& cos, const Tensor& sin, const RopeApplyParams& p,
                                   const KvBlocks& kv) {
  inner_.rope_kv_store(s, q, k, v, positions, cos, sin, p, kv);
  note(q);
  note(k);
}

void CheckedBackend::rope(Stream& s, Tensor& x, const Tensor& positions, const Tensor& cos, const Tensor& sin,
                          const RopeApplyParams& p) {
  inner_.rope(s, x, positions, cos, sin, p);
  note(x);
}

// The cache blocks it writes hold the keys and values the previous ops produced (checked there),
// converted to the cache dtype; nothing new to check.
void CheckedBackend::kv_store(Stream& s, const Tensor& k_new, const Tensor& v_new, const Tensor& positions,
                              const KvBlocks& kv) {
  inner_.kv_store(s, k_new, v_new, positions, kv);
}

void CheckedBackend::attention(Stream& s, const Tensor& q, const Tensor& q_positions, const KvBlocks& kv,
                               const Tensor& sinks, Tensor& out, const AttentionParams& p) {
  inner_.attention(s, q, q_positions, kv, sinks, out, p);
  note(out);
}

void CheckedBackend::activation(Stream& s, const Tensor& x, Tensor& out, Activation a) {
  inner_.activation(s, x, out, a);
  note(out);
}

void CheckedBackend::glu(Stream& s, const Tensor& gate_up, Tensor& out, const GluParams& p) {
  inner_.glu(s, gate_up, out, p);
  note(out);
}

void CheckedBackend::linear_glu(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& out,
                                const GluParams& p) {
  inner_.linear_glu(s, x, w, bias, out, p);
  note(out);
}

void CheckedBackend::sigmoid_gate(Stream& s, const Tensor& x, const Tensor& gate, Tensor& out) {
  inner_.sigmoid_gate(s, x, gate, out);
  note(out);
}

void CheckedBackend::softcap(Stream& s, const Tensor& x, float scale, float cap, Tensor& out) {
  inner_.softcap(s, x, scale, cap, out);
  note(out);
}

void CheckedBackend::router(Stream& s, const Tensor& logits, const Tensor& bias, Tensor& ids, Tensor& weights,
                            const RouterParams& p) {
  inner_.router(s, logits, bias, ids, weights, p);
  note(weights);  // ids are I32, nothing to check
}

void CheckedBackend::conv1d_causal(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias,
                                   Tensor& state, bool silu, Tensor& out) {
  inner_.conv1d_causal(s, x, weight, bias, state, silu, out);
  note(out);
  note(state);
}

void CheckedBackend::gated_delta(Stream& s, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& a,
                                 const Tensor& b, const Tensor& a_log, const Tensor& dt_bias, Tensor& state,
                                 Tensor& out) {
  inner_.gated_delta(s, q, k, v, a, b, a_log, dt_bias, state, out);
  note(out);
  note(state);
}

}  // namespace archscope::prof
