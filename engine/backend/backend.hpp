// The backend interface: memory in the backend's own space, ops enqueued on streams, explicit
// synchronisation and a backend clock. Ops take tensors only (never host pointers) so every op can
// run on a device; only the host copies (upload/download) cross the boundary.
//
// Conventions for all ops: activations are F32; weights may be F32, BF16 or F16 with F32
// accumulation; an undefined Tensor() marks an optional input as absent; `out` may alias an input
// where an op says so. Shapes are checked and violations throw archscope::Error (Validation).
#pragma once

#include <memory>

#include "backend/op_params.hpp"
#include "backend/stream.hpp"
#include "backend/tensor.hpp"

namespace archscope {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* name() const = 0;

  // Whether linear and grouped_linear take weights of the packed element type e (Elem::Q8_0 ...
  // FP8_CHANNEL: quant/packed_layout.hpp, tensor.hpp) directly. The weight loader packs a scheme's weights only for
  // a backend that says so and keeps the dequantized fp32 path otherwise; an op handed a packed
  // tensor it has no kernel for throws Error(Unsupported) naming it.
  virtual bool supports_packed(Elem e) const {
    (void)e;
    return false;
  }

  // Whether the forward pass may run several plan ops as one backend call where the plan's
  // op order makes them adjacent (q|k|v as one linear for a decode row); `--kernel fuse=off`
  // (kernel_choices.hpp) turns it off on the CUDA backend, so two runs show what it is worth.
  virtual bool fuses_ops() const { return true; }

  // The element type in which linear reads an x of `rows` rows against weights w fastest: BF16
  // where the backend would round x to bf16 itself (the CUDA backend's tensor-core GEMM for bf16
  // weights), F32 otherwise. The forward pass has the norm or GLU that produces such an x write
  // it in that type, so the rounding happens in the producer's pass instead of in a separate
  // conversion pass over x (same values, same result). Every backend accepts both types.
  virtual Elem linear_input_elem(const Tensor& w, int64_t rows) const {
    (void)w;
    (void)rows;
    return Elem::F32;
  }

  // ---- memory and execution
  virtual Tensor alloc(Elem elem, Shape shape) = 0;  // contents unspecified
  virtual Stream& default_stream() = 0;
  virtual void synchronize(Stream& s) = 0;
  virtual std::unique_ptr<Timer> create_timer() = 0;
  // Host copies of exactly dst.bytes() / src.bytes(). The host memory must stay valid until the
  // stream is synchronised.
  virtual void upload(Stream& s, const void* host, Tensor& dst) = 0;
  virtual void download(Stream& s, const Tensor& src, void* host) = 0;

  // ---- ops (one implementation file per op and backend)

  // ---- memory ops

  // out[:] = value. out F32, or I32 (value must then be an integer in int32 range).
  virtual void fill(Stream& s, Tensor& out, float value) = 0;

  // dst = src: same element type and numel (shapes may differ), any element type. dst must not
  // overlap src unless it is src itself.
  virtual void copy(Stream& s, const Tensor& src, Tensor& dst) = 0;

  // out[r, :] = scale * row_scale[r] * x[r, :] (row_scale optional F32 [R], R = x.dim(0); 1 when
  // absent). x, out F32 of equal shape; out may alias x. Scales token rows by their router weight
  // (Llama 4 weights the expert input) or a whole tensor (Llama 4 attention temperature).
  virtual void scale(Stream& s, const Tensor& x, float scale, const Tensor& row_scale,
                     Tensor& out) = 0;

  // out[index[r], :] += weight[r] * src[r, :] for every r: src F32 [R, W], index I32 [R] with
  // values in [0, N), weight optional F32 [R] (1 when absent), out F32 [N, W]. Rows with the same
  // index are all added (the MoE combine: k expert outputs per token); the order of those few
  // additions is unspecified, so results may differ across backends by fp32 rounding of a k-term
  // sum. src must not overlap out.
  virtual void index_add(Stream& s, const Tensor& src, const Tensor& index, const Tensor& weight,
                         Tensor& out) = 0;

  // ---- layout ops (MLA assembles per-head keys, queries and cache rows with these: one call for
  // all tokens and heads instead of one copy per token x head)

  // out[r, m, :] = a[r, ma, :] | b[r, mb, :] (concatenation along the last dim): a F32 [R, Ma, A],
  // b F32 [R, Mb, B], out F32 [R, M, A + B], where Ma and Mb are each M or 1 (a size-1 middle dim
  // broadcasts: ma = 0, else ma = m; the same for b). out must not overlap a or b.
  virtual void concat_last(Stream& s, const Tensor& a, const Tensor& b, Tensor& out) = 0;

  // out[..., :] = x[..., offset : offset + width] (columns of the last dim): x F32 [..., W] of
  // rank >= 1, out F32 of x's shape with the last dim `width`; 0 <= offset, offset + width <= W.
  // out must not overlap x.
  virtual void slice_last(Stream& s, const Tensor& x, int64_t offset, int64_t width,
                          Tensor& out) = 0;

  // Per-head linear: out[t, h, :] = w[h] . x[t, h, :] for x F32 [T, H, K], w [H, N, K]
  // (F32/BF16/F16, fp32 accumulation), out F32 [T, H, N]. Each head has its own [N, K] matrix
  // (MLA's absorbed W_uk^T and W_uv, one per head). out must not overlap x.
  virtual void head_linear(Stream& s, const Tensor& x, const Tensor& w, Tensor& out) = 0;

  // ---- MoE grouping (all on the device: no host round trip between router and experts)

  // Groups the router's choices by expert. ids I32 [T, k] (values in [0, experts)), weights F32
  // [T, k] -> the T*k slots sorted by expert, stably (within one expert in increasing t*k + j):
  // token_of I32 [T*k] (the token row t of each slot), weight_of F32 [T*k] (its router weight),
  // offsets I32 [experts + 1] (slots of expert e are [offsets[e], offsets[e+1]); offsets[0] = 0,
  // offsets[experts] = T*k).
  virtual void moe_group(Stream& s, const Tensor& ids, const Tensor& weights, int64_t experts,
                         Tensor& token_of, Tensor& weight_of, Tensor& offsets) = 0;

  // Per-expert linear over grouped rows: for each expert e, rows [offsets[e], offsets[e+1]) of x
  // F32 [R, K] times w[e] ([E, N, K], F32/BF16/F16) transposed, plus bias[e] (optional F32
  // [E, N]) -> out F32 [R, N]. offsets I32 [E + 1] as moe_group writes them (device memory: the
  // host never reads the counts). out must not overlap x.
  virtual void grouped_linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                              const Tensor& offsets, Tensor& out) = 0;

  // ---- compute ops

  // out[t] = scale * table[ids[t]] + pos_table[positions[t]]  (pos part only if pos_table given).
  // ids, positions: I32 [T]; table [V, D] F32/BF16/F16; pos_table [P, D]; out F32 [T, D].
  virtual void embedding(Stream& s, const Tensor& ids, const Tensor& table, float scale,
                         const Tensor& positions, const Tensor& pos_table, Tensor& out) = 0;

  // out = a + scale * b, same shapes, F32. out may alias a or b (residual add in place).
  virtual void add(Stream& s, const Tensor& a, const Tensor& b, float scale, Tensor& out) = 0;

  // Row norms over p.width (see NormParams). weight/bias have p.width elements (F32/BF16/F16);
  // weight required except for L2; bias only for Layer. out F32 (may alias x) or BF16 (the
  // result rounded to nearest even; apart from x).
  virtual void norm(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias,
                    Tensor& out, const NormParams& p) = 0;

  // The residual add and the norm after it as one op: h = h + r, then out = norm(h) as norm()
  // computes it with weight, bias and p (same sums, so the result equals add then norm). h, r
  // F32, out F32 or BF16 (as norm), of one size; out must not overlap h or r (h stays the
  // residual).
  virtual void add_norm(Stream& s, Tensor& h, const Tensor& r, const Tensor& weight,
                        const Tensor& bias, Tensor& out, const NormParams& p) = 0;

  // Qwen3-Next gated RMSNorm: out = x / rms(x) * w * silu(z), rows of `width`. out may alias x.
  virtual void gated_rms_norm(Stream& s, const Tensor& x, const Tensor& z, const Tensor& weight,
                              float eps, int64_t width, Tensor& out) = 0;

  // out[T, N] = x[T, K] . w[N, K]^T (+ bias[N]). x F32 or BF16 (linear_input_elem), w
  // F32/BF16/F16, bias F32.
  virtual void linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                      Tensor& out) = 0;

  // The down projection and the residual add after it as one op: h [T, N] += x . w^T (+ bias),
  // the same result as linear() into y then add(h, y, 1, h). h must not overlap x.
  virtual void linear_residual(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                               Tensor& h) = 0;

  // In place on x [T, heads, head_dim]; positions I32 [T] index the cos/sin tables [P, rot_dim/2].
  virtual void rope(Stream& s, Tensor& x, const Tensor& positions, const Tensor& cos,
                    const Tensor& sin, const RopeApplyParams& p) = 0;

  // Writes k_new [T, kv_heads, qk_dim] / v_new [T, kv_heads, v_dim] (F32) at positions (I32 [T])
  // of the sequence into the block pools (converted to the pool's element type).
  virtual void kv_store(Stream& s, const Tensor& k_new, const Tensor& v_new,
                        const Tensor& positions, const KvBlocks& kv) = 0;

  // rope() on q and on k, then kv_store(k, v, positions, kv), as one op: the same results (the
  // cache holds the rotated keys). q [T, Hq, head_dim] and k [T, kv_heads, head_dim] in place.
  virtual void rope_kv_store(Stream& s, Tensor& q, Tensor& k, const Tensor& v,
                             const Tensor& positions, const Tensor& cos, const Tensor& sin,
                             const RopeApplyParams& p, const KvBlocks& kv) = 0;

  // q [T, Hq, qk_dim] at q_positions (I32 [T]) against kv; out [T, Hq, v_dim]. Query head h reads
  // kv head h / (Hq / kv_heads) (GQA/MQA). sinks: optional F32 [Hq] logits that join the softmax
  // denominator only (gpt-oss).
  virtual void attention(Stream& s, const Tensor& q, const Tensor& q_positions, const KvBlocks& kv,
                         const Tensor& sinks, Tensor& out, const AttentionParams& p) = 0;

  // out[i] = x[rows[i]]: rows I32 [R] index the outermost dimension of x [N, W] (F32); out F32
  // [R, W]. Picks each sequence's last position before the LM head when only those logits count.
  virtual void gather_rows(Stream& s, const Tensor& x, const Tensor& rows, Tensor& out) = 0;

  // out[r] = the index of the largest value of row r of x F32 [R, V] (V >= 1), the lowest such
  // index on ties (greedy sampling's rule, generate/sampler.hpp), or, when row r holds a NaN,
  // -1 - (the index of its first NaN), so the caller can report it. out I32 [R]. The next token
  // of a greedy decode step without the logits leaving the device.
  virtual void argmax(Stream& s, const Tensor& x, Tensor& out) = 0;

  // Elementwise activation, out may alias x.
  virtual void activation(Stream& s, const Tensor& x, Tensor& out, Activation a) = 0;

  // gate_up [T, 2F] -> out [T, F]; out F32 or BF16 (rounded to nearest even).
  virtual void glu(Stream& s, const Tensor& gate_up, Tensor& out, const GluParams& p) = 0;

  // The gate|up projection and the GLU as one op: out [T, F] = glu(x . w^T + bias) with w
  // [2F, K] in p.layout's order, bias F32 [2F] or none; the same result as linear() into
  // [T, 2F] then glu() (a backend may skip the intermediate: the CUDA decode GEMV does).
  virtual void linear_glu(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                          Tensor& out, const GluParams& p) = 0;

  // out = x * sigmoid(gate); gate is [T, W] like x or [T, 1] (one gate per row, shared-expert
  // gate). out may alias x.
  virtual void sigmoid_gate(Stream& s, const Tensor& x, const Tensor& gate, Tensor& out) = 0;

  // out = cap * tanh(scale * x / cap), or scale * x when cap == 0 (final logits). May alias.
  virtual void softcap(Stream& s, const Tensor& x, float scale, float cap, Tensor& out) = 0;

  // MoE router: logits F32 [T, E] -> ids I32 [T, k], weights F32 [T, k], best first.
  // bias: optional F32 [E] selection bias (DeepSeek-V3 e_score_correction_bias).
  virtual void router(Stream& s, const Tensor& logits, const Tensor& bias, Tensor& ids,
                      Tensor& weights, const RouterParams& p) = 0;

  // Depthwise causal conv1d over T tokens with carried state (Qwen3-Next): x [T, C],
  // weight [C, K], bias optional [C], state F32 [C, K-1] (the previous K-1 inputs, oldest first;
  // updated), out [T, C]; SiLU after when silu.
  virtual void conv1d_causal(Stream& s, const Tensor& x, const Tensor& weight, const Tensor& bias,
                             Tensor& state, bool silu, Tensor& out) = 0;

  // Gated DeltaNet recurrence over T tokens (Qwen3-Next), matching transformers'
  // torch_recurrent_gated_delta_rule with use_qk_l2norm_in_kernel: q, k [T, Hk, dk],
  // v [T, Hv, dv], a, b [T, Hv], a_log, dt_bias [Hv], state F32 [Hv, dk, dv] (updated),
  // out [T, Hv, dv]. Value head h uses key head h / (Hv / Hk).
  virtual void gated_delta(Stream& s, const Tensor& q, const Tensor& k, const Tensor& v,
                           const Tensor& a, const Tensor& b, const Tensor& a_log,
                           const Tensor& dt_bias, Tensor& state, Tensor& out) = 0;
};

}  // namespace archscope
