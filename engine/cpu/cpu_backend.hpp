// The CPU backend: host buffers (64-byte aligned), an in-order stream that runs each op when it is
// enqueued, a steady-clock timer, and the ops (one file each under ops/). Hot loops are vectorised
// with Highway (runtime dispatch, simd/) and split over a thread pool of --threads threads.
#pragma once

#include <memory>

#include "backend/backend.hpp"
#include "cpu/thread_pool.hpp"

namespace archscope::cpu {

class CpuBackend;

class CpuStream final : public Stream {
 public:
  explicit CpuStream(CpuBackend& b) : backend_(b) {}
  Backend& backend() const override;

 private:
  CpuBackend& backend_;
};

class CpuBackend final : public Backend {
 public:
  explicit CpuBackend(int threads);
  const char* name() const override { return "cpu"; }
  int threads() const { return pool_.threads(); }
  ThreadPool& pool() { return pool_; }

  // q8_0, q4_0 (simd/packed_kernels), int4-g128, nf4, mxfp4, int8-/fp8-e4m3-channel
  // (simd/packed_format_kernels): every packed Elem.
  bool supports_packed(Elem e) const override { return elem_is_packed(e); }
  Tensor alloc(Elem elem, Shape shape) override;
  Stream& default_stream() override { return stream_; }
  void synchronize(Stream& s) override;
  std::unique_ptr<Timer> create_timer() override;
  void upload(Stream& s, const void* host, Tensor& dst) override;
  void download(Stream& s, const Tensor& src, void* host) override;

  void fill(Stream& s, Tensor& out, float value) override;
  void copy(Stream& s, const Tensor& src, Tensor& dst) override;
  void scale(Stream& s, const Tensor& x, float scale, const Tensor& row_scale, Tensor& out) override;
  void index_add(Stream& s, const Tensor& src, const Tensor& index, const Tensor& weight,
                 Tensor& out) override;
  void concat_last(Stream& s, const Tensor& a, const Tensor& b, Tensor& out) override;
  void slice_last(Stream& s, const Tensor& x, int64_t offset, int64_t width, Tensor& out) override;
  void head_linear(Stream& s, const Tensor& x, const Tensor& w, Tensor& out) override;
  void moe_group(Stream& s, const Tensor& ids, const Tensor& weights, int64_t experts,
                 Tensor& token_of, Tensor& weight_of, Tensor& offsets) override;
  void grouped_linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                      const Tensor& offsets, Tensor& out) override;
  void embedding(Stream& s, const Tensor& ids, const Tensor& table, float scale,
                 const Tensor& positions, const Tensor& pos_table, Tensor& out) override;
  void add(Stream& s, const Tensor& a, const Tensor& b, float scale, Tensor& out) override;
  void gather_rows(Stream& s, const Tensor& x, const Tensor& rows, Tensor& out) override;
  void argmax(Stream& s, const Tensor& x, Tensor& out) override;
  void norm(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& out,
            const NormParams& p) override;
  void add_norm(Stream& s, Tensor& h, const Tensor& r, const Tensor& weight, const Tensor& bias,
                Tensor& out, const NormParams& p) override;
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
  void attention(Stream& s, const Tensor& q, const Tensor& q_positions, const KvBlocks& kv,
                 const Tensor& sinks, Tensor& out, const AttentionParams& p) override;
  void activation(Stream& s, const Tensor& x, Tensor& out, Activation a) override;
  void glu(Stream& s, const Tensor& gate_up, Tensor& out, const GluParams& p) override;
  void linear_glu(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& out,
                  const GluParams& p) override;
  void sigmoid_gate(Stream& s, const Tensor& x, const Tensor& gate, Tensor& out) override;
  void softcap(Stream& s, const Tensor& x, float scale, float cap, Tensor& out) override;
  void router(Stream& s, const Tensor& logits, const Tensor& bias, Tensor& ids, Tensor& weights,
              const RouterParams& p) override;
  void conv1d_causal(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias,
                     Tensor& state, bool silu, Tensor& out) override;
  void gated_delta(Stream& s, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& a,
                   const Tensor& b, const Tensor& a_log, const Tensor& dt_bias, Tensor& state,
                   Tensor& out) override;

 private:
  ThreadPool pool_;
  CpuStream stream_;
};

}  // namespace archscope::cpu
