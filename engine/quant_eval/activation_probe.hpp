// A Backend that forwards every op to another one and, as the forward pass's observer, keeps what
// the quantization measurement needs: the residual stream after each layer (always) and, while
// outlier recording is on, the per-channel absmax of the input of every linear op (linear and
// grouped_linear; the inputs are read back through download, so it works on any backend). The
// probe syncs the stream on every read: a measurement tool, not a fast path.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "backend/backend.hpp"
#include "model/forward.hpp"
#include "quant/eval_result.hpp"
#include "quant_eval/kv_error.hpp"

namespace archscope::quant_eval {

class ActivationProbe final : public Backend, public ForwardObserver {
 public:
  explicit ActivationProbe(Backend& inner) : inner_(inner) {}

  void set_record_outliers(bool on) { record_outliers_ = on; }
  // With a quantized cache: the KV SQNR sums of every stored K / V row (kv_error.hpp).
  void set_kv_error(KvErrorSums* sums) { kv_error_ = sums; }
  // Residual stream after layer i: [rows * d_model] fp32, from the last forward pass.
  const std::vector<std::vector<float>>& residuals() const { return residuals_; }
  // The outliers recorded so far, layer by layer in op order.
  std::vector<quant::ActivationOutlier> outliers() const;

  // ForwardObserver
  void before(Stream&, const OpEvent& e) override {
    layer_ = e.layer;
    op_ = e.op;
  }
  void after(Stream&, const OpEvent&) override {}
  void layer_output(Stream& s, int64_t layer, const Tensor& residual) override;

  // Backend: forwarded.
  const char* name() const override { return inner_.name(); }
  bool supports_packed(Elem e) const override { return inner_.supports_packed(e); }
  // Unfused: every linear's input and output is recorded under its own plan op.
  bool fuses_ops() const override { return false; }
  Tensor alloc(Elem elem, Shape shape) override { return inner_.alloc(elem, std::move(shape)); }
  Stream& default_stream() override { return inner_.default_stream(); }
  void synchronize(Stream& s) override { inner_.synchronize(s); }
  std::unique_ptr<Timer> create_timer() override { return inner_.create_timer(); }
  void upload(Stream& s, const void* host, Tensor& dst) override { inner_.upload(s, host, dst); }
  void download(Stream& s, const Tensor& src, void* host) override {
    inner_.download(s, src, host);
  }
  void fill(Stream& s, Tensor& out, float value) override { inner_.fill(s, out, value); }
  void copy(Stream& s, const Tensor& src, Tensor& dst) override { inner_.copy(s, src, dst); }
  void scale(Stream& s, const Tensor& x, float v, const Tensor& row_scale, Tensor& out) override {
    inner_.scale(s, x, v, row_scale, out);
  }
  void index_add(Stream& s, const Tensor& src, const Tensor& index, const Tensor& weight,
                 Tensor& out) override {
    inner_.index_add(s, src, index, weight, out);
  }
  void concat_last(Stream& s, const Tensor& a, const Tensor& b, Tensor& out) override {
    inner_.concat_last(s, a, b, out);
  }
  void slice_last(Stream& s, const Tensor& x, int64_t offset, int64_t width, Tensor& out) override {
    inner_.slice_last(s, x, offset, width, out);
  }
  void head_linear(Stream& s, const Tensor& x, const Tensor& w, Tensor& out) override {
    inner_.head_linear(s, x, w, out);
  }
  void moe_group(Stream& s, const Tensor& ids, const Tensor& weights, int64_t experts,
                 Tensor& token_of, Tensor& weight_of, Tensor& offsets) override {
    inner_.moe_group(s, ids, weights, experts, token_of, weight_of, offsets);
  }
  void grouped_linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                      const Tensor& offsets, Tensor& out) override {
    note_input(s, x);
    inner_.grouped_linear(s, x, w, bias, offsets, out);
  }
  void embedding(Stream& s, const Tensor& ids, const Tensor& table, float v,
                 const Tensor& positions, const Tensor& pos_table, Tensor& out) override {
    inner_.embedding(s, ids, table, v, positions, pos_table, out);
  }
  void add(Stream& s, const Tensor& a, const Tensor& b, float v, Tensor& out) override {
    inner_.add(s, a, b, v, out);
  }
  void norm(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& out,
            const NormParams& p) override {
    inner_.norm(s, x, weight, bias, out, p);
  }
  void gated_rms_norm(Stream& s, const Tensor& x, const Tensor& z, const Tensor& weight, float eps,
                      int64_t width, Tensor& out) override {
    inner_.gated_rms_norm(s, x, z, weight, eps, width, out);
  }
  void linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
              Tensor& out) override {
    note_input(s, x);
    inner_.linear(s, x, w, bias, out);
  }
  // Never fused (fuses_ops false); as their two ops, so every linear input is recorded.
  void linear_residual(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& h) override {
    Tensor y = inner_.alloc(Elem::F32, {x.dim(0), w.dim(0)});
    linear(s, x, w, bias, y);
    add(s, h, y, 1.0f, h);
  }
  void rope_kv_store(Stream& s, Tensor& q, Tensor& k, const Tensor& v, const Tensor& positions, const Tensor& cos,
                     const Tensor& sin, const RopeApplyParams& p, const KvBlocks& kv) override {
    rope(s, q, positions, cos, sin, p);
    rope(s, k, positions, cos, sin, p);
    kv_store(s, k, v, positions, kv);
  }
  void rope(Stream& s, Tensor& x, const Tensor& positions, const Tensor& cos, const Tensor& sin,
            const RopeApplyParams& p) override {
    inner_.rope(s, x, positions, cos, sin, p);
  }
  void kv_store(Stream& s, const Tensor& k_new, const Tensor& v_new, const Tensor& positions,
                const KvBlocks& kv) override {
    if (kv_error_) note_kv(s, k_new, v_new, positions, kv);
    inner_.kv_store(s, k_new, v_new, positions, kv);
  }
  void attention(Stream& s, const Tensor& q, const Tensor& q_positions, const KvBlocks& kv,
                 const Tensor& sinks, Tensor& out, const AttentionParams& p) override {
    inner_.attention(s, q, q_positions, kv, sinks, out, p);
  }
  void add_norm(Stream& s, Tensor& h, const Tensor& r, const Tensor& weight, const Tensor& bias, Tensor& out,
                const NormParams& p) override {
    inner_.add_norm(s, h, r, weight, bias, out, p);
  }
  void argmax(Stream& s, const Tensor& x, Tensor& out) override { inner_.argmax(s, x, out); }
  void gather_rows(Stream& s, const Tensor& x, const Tensor& rows, Tensor& out) override {
    inner_.gather_rows(s, x, rows, out);
  }
  void activation(Stream& s, const Tensor& x, Tensor& out, Activation a) override {
    inner_.activation(s, x, out, a);
  }
  void glu(Stream& s, const Tensor& gate_up, Tensor& out, const GluParams& p) override {
    inner_.glu(s, gate_up, out, p);
  }
  // As its two ops, so the linear's input is recorded like any other (the probe never fuses).
  void linear_glu(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& out,
                  const GluParams& p) override {
    Tensor gate_up = inner_.alloc(Elem::F32, {x.dim(0), w.dim(0)});
    linear(s, x, w, bias, gate_up);
    glu(s, gate_up, out, p);
  }
  void sigmoid_gate(Stream& s, const Tensor& x, const Tensor& gate, Tensor& out) override {
    inner_.sigmoid_gate(s, x, gate, out);
  }
  void softcap(Stream& s, const Tensor& x, float v, float cap, Tensor& out) override {
    inner_.softcap(s, x, v, cap, out);
  }
  void router(Stream& s, const Tensor& logits, const Tensor& bias, Tensor& ids, Tensor& weights,
              const RouterParams& p) override {
    inner_.router(s, logits, bias, ids, weights, p);
  }
  void conv1d_causal(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias,
                     Tensor& state, bool silu, Tensor& out) override {
    inner_.conv1d_causal(s, x, weight, bias, state, silu, out);
  }
  void gated_delta(Stream& s, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& a,
                   const Tensor& b, const Tensor& a_log, const Tensor& dt_bias, Tensor& state,
                   Tensor& out) override {
    inner_.gated_delta(s, q, k, v, a, b, a_log, dt_bias, state, out);
  }

 private:
  struct Channels {
    std::string label;
    std::vector<float> absmax;
  };
  void note_input(Stream& s, const Tensor& x);
  void note_kv(Stream& s, const Tensor& k_new, const Tensor& v_new, const Tensor& positions,
               const KvBlocks& kv);

  Backend& inner_;
  bool record_outliers_ = false;
  KvErrorSums* kv_error_ = nullptr;
  int64_t layer_ = 0;
  const char* op_ = "";
  std::vector<std::vector<float>> residuals_;
  // (layer, op, input width) -> channels, and the order they were first seen.
  std::map<std::tuple<int64_t, std::string, int64_t>, size_t> index_;
  std::vector<std::pair<int64_t, Channels>> channels_;
};

}  // namespace archscope::quant_eval
