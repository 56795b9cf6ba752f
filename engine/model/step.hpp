// Internal to engine/model: the state of one forward step shared by the per-block files, and
// small tensor helpers built on backend ops only (so they run on any backend).
#pragma once

#include <cstdint>
#include <exception>
#include <vector>

#include "kv/paged_kv_cache.hpp"
#include "model/forward.hpp"

namespace archscope::model_detail {

// Rows [row, row + count) of the step belong to sequence `seq`, at positions start, start + 1...
struct SeqRows {
  int64_t seq = 0, row = 0, count = 0, start = 0;
};

struct RopeTensors {
  Tensor cos, sin;  // [positions, rot_dim / 2]
};

struct Step {
  Step(Backend& b, Stream& st, const ModelConfig& cfg, PagedKvCache& kv, ForwardObserver* obs,
       ForwardControl* ctl = nullptr)
      : be(b), s(st), c(cfg), cache(kv), observer(obs), control(ctl) {}
  Backend& be;
  Stream& s;
  const ModelConfig& c;
  PagedKvCache& cache;
  ForwardObserver* observer;
  ForwardControl* control;
  int64_t rows = 0;
  std::vector<SeqRows> seqs;
  std::vector<int32_t> host_positions;
  Tensor positions;  // I32 [rows]
  Tensor routed_ids;  // I32 [rows, top_k]: the last MoE layer's selection, for the observer
  // Per sequence of the step (index into seqs), the staged keys of a first step longer than a
  // sliding window or chunk (forward_attention.cpp), reused by every windowed layer of the step.
  std::vector<KvBlocks> staged;

  Tensor alloc(Shape shape) { return be.alloc(Elem::F32, std::move(shape)); }
  // The output of a norm or GLU whose only readers are linears with weights w: in the element
  // type the backend reads such an x in (Backend::linear_input_elem), so its rounding to bf16
  // happens in the producer instead of in a conversion pass of its own.
  Tensor alloc_linear_input(const Tensor& w, Shape shape) {
    const Elem e = w.defined() ? be.linear_input_elem(w, shape.at(0)) : Elem::F32;
    return be.alloc(e, std::move(shape));
  }
  // I32 {0}: the block table of a contiguous temporary K/V block (MLA's naive prefill). Filled
  // on the device once per step, on first use.
  const Tensor& single_block_table();

 private:
  Tensor single_block_table_;
};

// Reports one op to the observer for the lifetime of the scope.
class OpScope {
 public:
  // Polls the step's control first: a cancelled step throws before the op is issued.
  OpScope(Step& st, int64_t layer, const char* op, const char* also = nullptr) : st_(st), ev_{layer, op, also} {
    if (st_.control && st_.control->cancelled()) throw ForwardCancelled();
    if (st_.observer) st_.observer->before(st_.s, ev_);
  }
  ~OpScope() {
    if (st_.observer && std::uncaught_exceptions() == 0) st_.observer->after(st_.s, ev_);
  }
  OpScope(const OpScope&) = delete;
  OpScope& operator=(const OpScope&) = delete;

 private:
  Step& st_;
  OpEvent ev_;
};

// A dense F32 view of `shape` starting `elem_offset` elements into t.
Tensor view(const Tensor& t, int64_t elem_offset, Shape shape);
// dst = src (same numel), as a scale-by-one op.
void copy(Step& st, const Tensor& src, Tensor& dst);
Tensor zeros(Step& st, Shape shape);
NormOp norm_op(NormKind k);
AttentionParams attention_params(const ModelConfig& c, const LayerSpec& spec);

// Blocks: in = the block input [rows, d], out = its output [rows, d] (allocated by the callee).
Tensor attention_block(Step& st, const LayerSpec& spec, const AttentionWeights& w, const Tensor& x,
                       const RopeTensors* rope);
Tensor mla_block(Step& st, const LayerSpec& spec, const AttentionWeights& w, const Tensor& x,
                 const RopeTensors* rope);
Tensor linear_attention_block(Step& st, const LayerSpec& spec, const AttentionWeights& w, const Tensor& x);
Tensor dense_ffn_block(Step& st, int64_t layer, const FfnWeights& w, const Tensor& x);
// The dense FFN with its residual add: h += ffn(x), the down projection and "ffn_residual" as one
// op (linear_residual). For a decode row without a post-FFN norm.
void dense_ffn_residual_block(Step& st, int64_t layer, const FfnWeights& w, const Tensor& x, Tensor& h);
Tensor moe_block(Step& st, int64_t layer, const MoeWeights& w, const Tensor& x);

// Runs one FFN (dense, expert or shared) without reporting: x [n, d] -> [n, d].
Tensor run_ffn(Step& st, const FfnWeights& w, const Tensor& x);

}  // namespace archscope::model_detail
