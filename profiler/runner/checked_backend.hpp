// A Backend that forwards everything to another one and, while tracking is on, remembers the F32
// tensors each op writes. The profiler's NaN/Inf check reads them back after each op (through
// download, so it works on any backend), which finds the first op of a layer whose output went
// non-finite: the forward pass cannot be re-run to look for it afterwards.
//
// With tracking off it only forwards (one extra virtual call per op). Tensors, streams and timers
// are the wrapped backend's own; the model may be built on either.
#pragma once

#include <vector>

#include "backend/backend.hpp"

namespace archscope::prof {

class CheckedBackend final : public Backend {
 public:
  explicit CheckedBackend(Backend& inner) : inner_(inner) {}

  Backend& inner() { return inner_; }
  void set_tracking(bool on) { tracking_ = on; }
  bool tracking() const { return tracking_; }
  // F32 outputs written since the last take (in op order; views of the same buffer may repeat).
  std::vector<Tensor> take_outputs();
  void clear_outputs() { outputs_.clear(); }

  const char* name() const override { return inner_.name(); }
  bool supports_packed(Elem e) const override { return inner_.supports_packed(e); }
  bool fuses_ops() const override { return inner_.fuses_ops(); }
  // While tracking, F32: every op's output stays an F32 tensor the check reads, so the first
  // non-finite one is still found at the op that made it (a norm, not the GEMM after it).
  // Otherwise the wrapped backend's choice.
  Elem linear_input_elem(const Tensor& w, int64_t rows) const override {
    return tracking_ ? Elem::F32 : inner_.linear_input_elem(w, rows);
  }
  Tensor alloc(Elem elem, Shape shape) override { return inner_.alloc(elem, std::move(shape)); }
  Stream& default_stream() override { return inner_.default_stream(); }
  void synchronize(Stream& s) override { inner_.synchronize(s); }
  std::unique_ptr<Timer> create_timer() override { return inner_.create_timer(); }
  void upload(Stream& s, const void* host, Tensor& dst) override { inner_.upload(s, host, dst); }
  void download(Stream& s, const Tensor& src, void* host) override { inner_.download(s, src, host); }

  void fill(Stream& s, Tensor& out, float value) override;
  void copy(Stream& s, const Tensor& src, Tensor& dst) override;
  void scale(Stream& s, const Tensor& x, float scale, const Tensor& row_scale, Tensor& out) override;
  void index_add(Stream& s, const Tensor& src, const Tensor& index, const Tensor& weight, Tensor& out) override;
  void concat_last(Stream& s, const Tensor& a, const Tensor& b, Tensor& out) override;
  void slice_last(Stream& s, const Tensor& x, int64_t offset, int64_t width, Tensor& out) override;
  void head_linear(Stream& s, const Tensor& x, const Tensor& w, Tensor& out) override;
  void moe_group(Stream& s, const Tensor& ids, const Tensor& weights, int64_t experts, Tensor& token_of,
                 Tensor& weight_of, Tensor& offsets) override;
  void grouped_linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias, const Tensor& offsets,
                      Tensor& out) override;
  void embedding(Stream& s, const Tensor& ids, const Tensor& table, float scale, const Tensor& positions,
                 const Tensor& pos_table, Tensor& out) override;
  void add(Stream& s, const Tensor& a, const Tensor& b, float scale, Tensor& out) override;
  void gather_rows(Stream& s, const Tensor& x, const Tensor& rows, Tensor& out) override;
  void add_norm(Stream& s, Tensor& h, const Tensor& r, const Tensor& weight, const Tensor& bias, Tensor& out,
                const NormParams& p) override;
  void argmax(Stream& s, const Tensor& x, Tensor& out) override { inner_.argmax(s, x, out); }  // I32
  void norm(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& out,
            const NormParams& p) override;
  void gated_rms_norm(Stream& s, const Tensor& x, const Tensor& z, const Tensor& weight, float eps,
                      int64_t width, Tensor& out) override;
  void linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& out) override;
  void linear_residual(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                       Tensor& h) override;
  void rope_kv_store(Stream& s, Tensor& q, Tensor& k, const Tensor& v, const Tensor& positions,
                     const Tensor& cos, const Tensor& sin, const RopeApplyParams& p,
                     const KvBlocks& kv) override;
  void rope(Stream& s, Tensor& x, const Tensor& positions, const Tensor& cos, const Tensor& sin,
            const RopeApplyParams& p) override;
  void kv_store(Stream& s, const Tensor& k_new, const Tensor& v_new, const Tensor& positions,
                const KvBlocks& kv) override;
  void attention(Stream& s, const Tensor& q, const Tensor& q_positions, const KvBlocks& kv, const Tensor& sinks,
                 Tensor& out, const AttentionParams& p) override;
  void activation(Stream& s, const Tensor& x, Tensor& out, Activation a) override;
  void glu(Stream& s, const Tensor& gate_up, Tensor& out, const GluParams& p) override;
  void linear_glu(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& out,
                  const GluParams& p) override;
  void sigmoid_gate(Stream& s, const Tensor& x, const Tensor& gate, Tensor& out) override;
  void softcap(Stream& s, const Tensor& x, float scale, float cap, Tensor& out) override;
  void router(Stream& s, const Tensor& logits, const Tensor& bias, Tensor& ids, Tensor& weights,
              const RouterParams& p) override;
  void conv1d_causal(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& state, bool silu,
                     Tensor& out) override;
  void gated_delta(Stream& s, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& a, const Tensor& b,
                   const Tensor& a_log, const Tensor& dt_bias, Tensor& state, Tensor& out) override;

 private:
  void note(const Tensor& t) {
    if (tracking_ && t.defined() && t.elem() == Elem::F32) outputs_.push_back(t);
  }

  Backend& inner_;
  bool tracking_ = false;
  std::vector<Tensor> outputs_;
};

}  // namespace archscope::prof
