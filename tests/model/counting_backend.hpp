// A Backend that forwards to another and counts every call by name into the bucket it is
// pointed at (nullptr: not counted), so a test can see how many ops, uploads, downloads and
// synchronisations each part of a forward pass issues.
#pragma once

#include <map>
#include <string>

#include "backend/backend.hpp"

namespace archscope::test {

using CallCounts = std::map<std::string, int64_t>;

class CountingBackend final : public Backend {
 public:
  explicit CountingBackend(Backend& inner) : inner_(inner) {}
  void count_into(CallCounts* bucket) { bucket_ = bucket; }
  // false: the forward pass runs one backend call per plan op (as `--kernel fuse=off`).
  void set_fuse(bool on) { fuse_ = on; }
  // false: says it runs no packed weights, so the loader holds a scheme dequantized in fp32 (the
  // reference a packed run is compared with).
  void allow_packed(bool allow) { allow_packed_ = allow; }

  const char* name() const override { return inner_.name(); }
  bool supports_packed(Elem e) const override { return allow_packed_ && inner_.supports_packed(e); }
  bool fuses_ops() const override { return fuse_ && inner_.fuses_ops(); }
  Tensor alloc(Elem elem, Shape shape) override {
    Tensor t = inner_.alloc(elem, std::move(shape));
    allocated_ += t.bytes();
    return t;
  }
  // Bytes of every tensor allocated through this backend so far (what a load leaves resident).
  uint64_t allocated_bytes() const { return allocated_; }
  Stream& default_stream() override { return inner_.default_stream(); }
  std::unique_ptr<Timer> create_timer() override { return inner_.create_timer(); }
  void synchronize(Stream& s) override {
    note("synchronize");
    inner_.synchronize(s);
  }
  void upload(Stream& s, const void* host, Tensor& dst) override {
    note("upload");
    inner_.upload(s, host, dst);
  }
  void download(Stream& s, const Tensor& src, void* host) override {
    note("download");
    inner_.download(s, src, host);
  }

  void fill(Stream& s, Tensor& out, float value) override {
    note("fill");
    inner_.fill(s, out, value);
  }
  void copy(Stream& s, const Tensor& src, Tensor& dst) override {
    note("copy");
    inner_.copy(s, src, dst);
  }
  void scale(Stream& s, const Tensor& x, float scale, const Tensor& row_scale,
             Tensor& out) override {
    note("scale");
    inner_.scale(s, x, scale, row_scale, out);
  }
  void index_add(Stream& s, const Tensor& src, const Tensor& index, const Tensor& weight,
                 Tensor& out) override {
    note("index_add");
    inner_.index_add(s, src, index, weight, out);
  }
  void concat_last(Stream& s, const Tensor& a, const Tensor& b, Tensor& out) override {
    note("concat_last");
    inner_.concat_last(s, a, b, out);
  }
  void slice_last(Stream& s, const Tensor& x, int64_t offset, int64_t width, Tensor& out) override {
    note("slice_last");
    inner_.slice_last(s, x, offset, width, out);
  }
  void head_linear(Stream& s, const Tensor& x, const Tensor& w, Tensor& out) override {
    note("head_linear");
    inner_.head_linear(s, x, w, out);
  }
  void moe_group(Stream& s, const Tensor& ids, const Tensor& weights, int64_t experts,
                 Tensor& token_of, Tensor& weight_of, Tensor& offsets) override {
    note("moe_group");
    inner_.moe_group(s, ids, weights, experts, token_of, weight_of, offsets);
  }
  void grouped_linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                      const Tensor& offsets, Tensor& out) override {
    note("grouped_linear");
    inner_.grouped_linear(s, x, w, bias, offsets, out);
  }
  void embedding(Stream& s, const Tensor& ids, const Tensor& table, float scale,
                 const Tensor& positions, const Tensor& pos_table, Tensor& out) override {
    note("embedding");
    inner_.embedding(s, ids, table, scale, positions, pos_table, out);
  }
  void add(Stream& s, const Tensor& a, const Tensor& b, float scale, Tensor& out) override {
    note("add");
    inner_.add(s, a, b, scale, out);
  }
  void norm(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& out,
            const NormParams& p) override {
    note("norm");
    inner_.norm(s, x, weight, bias, out, p);
  }
  void gated_rms_norm(Stream& s, const Tensor& x, const Tensor& z, const Tensor& weight, float eps,
                      int64_t width, Tensor& out) override {
    note("gated_rms_norm");
    inner_.gated_rms_norm(s, x, z, weight, eps, width, out);
  }
  void linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
              Tensor& out) override {
    note("linear");
    inner_.linear(s, x, w, bias, out);
  }
  void linear_residual(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& h) override {
    note("linear_residual");
    inner_.linear_residual(s, x, w, bias, h);
  }
  void rope_kv_store(Stream& s, Tensor& q, Tensor& k, const Tensor& v, const Tensor& positions, const Tensor& cos,
                     const Tensor& sin, const RopeApplyParams& p, const KvBlocks& kv) override {
    note("rope_kv_store");
    inner_.rope_kv_store(s, q, k, v, positions, cos, sin, p, kv);
  }
  void rope(Stream& s, Tensor& x, const Tensor& positions, const Tensor& cos, const Tensor& sin,
            const RopeApplyParams& p) override {
    note("rope");
    inner_.rope(s, x, positions, cos, sin, p);
  }
  void kv_store(Stream& s, const Tensor& k_new, const Tensor& v_new, const Tensor& positions,
                const KvBlocks& kv) override {
    note("kv_store");
    inner_.kv_store(s, k_new, v_new, positions, kv);
  }
  void attention(Stream& s, const Tensor& q, const Tensor& q_positions, const KvBlocks& kv,
                 const Tensor& sinks, Tensor& out, const AttentionParams& p) override {
    note("attention");
    inner_.attention(s, q, q_positions, kv, sinks, out, p);
  }
  void add_norm(Stream& s, Tensor& h, const Tensor& r, const Tensor& weight, const Tensor& bias, Tensor& out,
                const NormParams& p) override {
    note("add_norm");
    inner_.add_norm(s, h, r, weight, bias, out, p);
  }
  void argmax(Stream& s, const Tensor& x, Tensor& out) override {
    note("argmax");
    inner_.argmax(s, x, out);
  }
  void gather_rows(Stream& s, const Tensor& x, const Tensor& rows, Tensor& out) override {
    note("gather_rows");
    inner_.gather_rows(s, x, rows, out);
  }
  void activation(Stream& s, const Tensor& x, Tensor& out, Activation a) override {
    note("activation");
    inner_.activation(s, x, out, a);
  }
  void glu(Stream& s, const Tensor& gate_up, Tensor& out, const GluParams& p) override {
    note("glu");
    inner_.glu(s, gate_up, out, p);
  }
  void linear_glu(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& out,
                  const GluParams& p) override {
    note("linear_glu");
    inner_.linear_glu(s, x, w, bias, out, p);
  }
  void sigmoid_gate(Stream& s, const Tensor& x, const Tensor& gate, Tensor& out) override {
    note("sigmoid_gate");
    inner_.sigmoid_gate(s, x, gate, out);
  }
  void softcap(Stream& s, const Tensor& x, float scale, float cap, Tensor& out) override {
    note("softcap");
    inner_.softcap(s, x, scale, cap, out);
  }
  void router(Stream& s, const Tensor& logits, const Tensor& bias, Tensor& ids, Tensor& weights,
              const RouterParams& p) override {
    note("router");
    inner_.router(s, logits, bias, ids, weights, p);
  }
  void conv1d_causal(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias,
                     Tensor& state, bool silu, Tensor& out) override {
    note("conv1d_causal");
    inner_.conv1d_causal(s, x, weight, bias, state, silu, out);
  }
  void gated_delta(Stream& s, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& a,
                   const Tensor& b, const Tensor& a_log, const Tensor& dt_bias, Tensor& state,
                   Tensor& out) override {
    note("gated_delta");
    inner_.gated_delta(s, q, k, v, a, b, a_log, dt_bias, state, out);
  }

 private:
  void note(const char* call) {
    if (bucket_) ++(*bucket_)[call];
  }

  Backend& inner_;
  bool allow_packed_ = true;
  uint64_t allocated_ = 0;
  CallCounts* bucket_ = nullptr;
  bool fuse_ = true;
};

}  // namespace archscope::test
