// The layer loop: embedding, per layer the attention and FFN blocks with their norms placed per
// norm.placement and the residual adds, then final norm, LM head, logit scale and soft-cap.
#include "model/forward.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "model/step.hpp"
#include "rope/rope_tables.hpp"

namespace archscope {

using namespace model_detail;

// RoPE cos/sin tables per (rope parameters, rotated dims), grown by doubling when a position
// beyond them is needed, so long contexts cost only what they use.
struct Model::Tables {
  std::map<std::pair<const Rope*, int64_t>, RopeTensors> tables;
  std::map<std::pair<const Rope*, int64_t>, int64_t> sizes;
};

Model::Model(Backend& backend, const ModelConfig& config, const ModelWeights& weights)
    : backend_(backend), config_(config), weights_(weights), specs_(expand_layers(config)),
      tables_(std::make_unique<Tables>()) {
  if (static_cast<int64_t>(weights.layers.size()) != config.n_layers)
    throw Error(ErrorKind::Validation, "model", "weights have " + std::to_string(weights.layers.size()) +
                                                    " layers, the config " + std::to_string(config.n_layers));
}

Model::~Model() = default;

std::vector<std::string> fused_ops(const char* also) {
  std::vector<std::string> out;
  if (!also) return out;
  std::string name;
  for (const char* c = also;; ++c) {
    if (*c == ',' || *c == '\0') {
      if (!name.empty()) out.push_back(name);
      name.clear();
      if (*c == '\0') break;
    } else {
      name += *c;
    }
  }
  return out;
}

namespace {

const RopeTensors* rope_for(Backend& be, std::map<std::pair<const Rope*, int64_t>, RopeTensors>& tables,
                            std::map<std::pair<const Rope*, int64_t>, int64_t>& sizes, const ModelConfig& c,
                            const LayerSpec& spec, int64_t head_dim, int64_t needed) {
  if (spec.position != PositionKind::Rope || !spec.rope) return nullptr;
  const int64_t rot = rope_rotary_dim(*spec.rope, head_dim);
  const auto key = std::make_pair(spec.rope, rot);
  int64_t& have = sizes[key];
  if (have < needed) {
    int64_t n = std::max<int64_t>(have * 2, std::max<int64_t>(needed, 64));
    const RopeTable t = rope_table(*spec.rope, rot, n, c.max_context);
    RopeTensors r;
    r.cos = be.alloc(Elem::F32, {n, rot / 2});
    r.sin = be.alloc(Elem::F32, {n, rot / 2});
    be.upload(be.default_stream(), t.cos.data(), r.cos);
    be.upload(be.default_stream(), t.sin.data(), r.sin);
    be.synchronize(be.default_stream());
    tables[key] = r;
    have = n;
  }
  return &tables[key];
}

void apply_norm(Step& st, int64_t layer, const char* name, const Tensor& w, const Tensor& b, const Tensor& x,
                Tensor& out) {
  OpScope op(st, layer, name);
  NormParams p;
  p.op = norm_op(st.c.norm.kind);
  p.eps = static_cast<float>(st.c.norm.eps);
  p.width = st.c.d_model;
  st.be.norm(st.s, x, w, b, out, p);
}

}  // namespace

Tensor Model::forward(PagedKvCache& cache, const std::vector<SequenceStep>& batch, LogitRows rows) {
  Stream& s = backend_.default_stream();
  Step st{backend_, s, config_, cache, observer_, control_};
  std::vector<int32_t> ids;
  for (const SequenceStep& q : batch) {
    if (q.tokens.empty()) throw Error(ErrorKind::Validation, "forward", "sequence " + std::to_string(q.seq) + " has no tokens");
    for (const SeqRows& r : st.seqs)
      if (r.seq == q.seq) throw Error(ErrorKind::Validation, "forward", "sequence " + std::to_string(q.seq) + " listed twice");
    SeqRows r{q.seq, st.rows, static_cast<int64_t>(q.tokens.size()), cache.length(q.seq)};
    for (int32_t t : q.tokens)
      if (t < 0 || t >= config_.vocab_size)
        throw Error(ErrorKind::Validation, "forward", "token id " + std::to_string(t) + " outside the vocabulary");
    ids.insert(ids.end(), q.tokens.begin(), q.tokens.end());
    for (int64_t i = 0; i < r.count; ++i) st.host_positions.push_back(static_cast<int32_t>(r.start + i));
    st.rows += r.count;
    st.seqs.push_back(r);
  }
  if (st.rows == 0) throw Error(ErrorKind::Validation, "forward", "empty batch");
  int64_t max_pos = 0;
  for (const SeqRows& r : st.seqs) {
    cache.reserve(r.seq, r.count);
    max_pos = std::max(max_pos, r.start + r.count);
  }
  Tensor id_t = backend_.alloc(Elem::I32, {st.rows});
  st.positions = backend_.alloc(Elem::I32, {st.rows});
  backend_.upload(s, ids.data(), id_t);
  backend_.upload(s, st.host_positions.data(), st.positions);

  const int64_t d = config_.d_model;
  Tensor h = st.alloc({st.rows, d});
  {
    // Learned positions (GPT-2) are added by the same op: it runs the plan's "positions" too.
    OpScope op(st, -1, "embedding", weights_.positions.defined() ? "positions" : nullptr);
    backend_.embedding(s, id_t, weights_.embedding, static_cast<float>(config_.embedding_scale), st.positions,
                       weights_.positions, h);
  }
  const bool pre = config_.norm.placement != NormPlacement::Post;
  const bool post = config_.norm.placement != NormPlacement::Pre;
  // RoPE tables for every layer before the first layer runs: growing one uploads and
  // synchronises, which must not happen between two layers' ops.
  std::vector<const RopeTensors*> ropes(specs_.size(), nullptr);
  // A sliced model (ModelWeights::slice) runs its slice's layers only, each as in the full model.
  const std::optional<LayerRange>& slice = weights_.slice;
  const int64_t layers_run = slice ? slice->count() : config_.n_layers;
  for (const LayerSpec& spec : specs_) {
    if (spec.attention == AttentionKind::Linear || !runs_layer(slice, spec.index)) continue;
    const int64_t head_dim = spec.attention == AttentionKind::Mla ? config_.attention.mla.qk_rope_head_dim
                                                                  : config_.attention.head_dim;
    ropes[static_cast<size_t>(spec.index)] =
        rope_for(backend_, tables_->tables, tables_->sizes, config_, spec, head_dim, max_pos);
  }
  for (const LayerSpec& spec : specs_) {
    if (!runs_layer(slice, spec.index)) continue;
    const LayerWeights& L = weights_.layers[static_cast<size_t>(spec.index)];
    const int64_t li = spec.index;
    // Attention block.
    Tensor a_in = h;
    if (pre) {
      // Softmax attention reads its input through the q, k, v (and gate) linears only.
      const bool softmax =
          spec.attention != AttentionKind::Mla && spec.attention != AttentionKind::Linear;
      a_in = softmax ? st.alloc_linear_input(L.attn.q, {st.rows, d}) : st.alloc({st.rows, d});
      apply_norm(st, li, "input_norm", L.input_norm, L.input_norm_b, h, a_in);  // h stays the residual
    }
    Tensor a;
    switch (spec.attention) {
      case AttentionKind::Mla: a = mla_block(st, spec, L.attn, a_in, ropes[static_cast<size_t>(li)]); break;
      case AttentionKind::Linear: a = linear_attention_block(st, spec, L.attn, a_in); break;
      default: a = attention_block(st, spec, L.attn, a_in, ropes[static_cast<size_t>(li)]);
    }
    if (post) apply_norm(st, li, "post_attn_norm", L.post_attn_norm, L.post_attn_norm_b, a, a);
    Tensor f_in = h;
    // A dense FFN reads its input through its first linear only (a MoE block's router and
    // experts read fp32).
    auto ffn_input = [&] {
      return spec.moe ? st.alloc({st.rows, d})
                      : st.alloc_linear_input(L.ffn.gate_up.defined() ? L.ffn.gate_up : L.ffn.up,
                                              {st.rows, d});
    };
    if (pre && backend_.fuses_ops()) {
      // The residual add and the FFN block's norm, adjacent in the plan, as one op.
      f_in = ffn_input();
      OpScope op(st, li, "attn_residual", "pre_ffn_norm");
      NormParams p;
      p.op = norm_op(config_.norm.kind);
      p.eps = static_cast<float>(config_.norm.eps);
      p.width = d;
      backend_.add_norm(s, h, a, L.pre_ffn_norm, L.pre_ffn_norm_b, f_in, p);
    } else {
      {
        OpScope op(st, li, "attn_residual");
        backend_.add(s, h, a, 1.0f, h);
      }
      // FFN block.
      if (pre) {
        f_in = ffn_input();
        apply_norm(st, li, "pre_ffn_norm", L.pre_ffn_norm, L.pre_ffn_norm_b, h, f_in);
      }
    }
    if (!spec.moe && !post && st.rows == 1 && backend_.fuses_ops()) {
      // One decode row: the down projection adds into the residual stream (one op).
      dense_ffn_residual_block(st, li, L.ffn, f_in, h);
    } else {
      Tensor f = spec.moe ? moe_block(st, li, L.moe, f_in) : dense_ffn_block(st, li, L.ffn, f_in);
      if (post) apply_norm(st, li, "post_ffn_norm", L.post_ffn_norm, L.post_ffn_norm_b, f, f);
      OpScope op(st, li, "ffn_residual");
      backend_.add(s, h, f, 1.0f, h);
    }
    if (observer_ && spec.moe) observer_->routed(s, li, st.routed_ids);
    if (observer_) observer_->layer_output(s, li, h);
    if (control_) control_->layer_done(li + 1 - (slice ? slice->first : 0), layers_run);
  }
  const int64_t last = config_.n_layers;
  // Only the rows whose logits are wanted go through the epilogue (the plan counts the same).
  std::vector<int32_t> last_rows;
  if (rows == LogitRows::LastPerSequence && st.rows != static_cast<int64_t>(st.seqs.size())) {
    for (const SeqRows& r : st.seqs) last_rows.push_back(static_cast<int32_t>(r.row + r.count - 1));
    Tensor index = backend_.alloc(Elem::I32, {static_cast<int64_t>(last_rows.size())});
    backend_.upload(s, last_rows.data(), index);
    Tensor picked = st.alloc({index.numel(), d});
    backend_.gather_rows(s, h, index, picked);
    h = picked;
  }
  apply_norm(st, last, "final_norm", weights_.final_norm, weights_.final_norm_bias, h, h);
  Tensor logits = st.alloc({h.dim(0), config_.vocab_size});
  {
    OpScope op(st, last, "lm_head");
    backend_.linear(s, h, weights_.lm_head, Tensor(), logits);
  }
  if (config_.logit_scale != 1.0) {
    OpScope op(st, last, "logit_scale");
    backend_.scale(s, logits, static_cast<float>(config_.logit_scale), Tensor(), logits);
  }
  if (config_.final_softcap > 0.0) {
    OpScope op(st, last, "softcap");
    backend_.softcap(s, logits, 1.0f, static_cast<float>(config_.final_softcap), logits);
  }
  for (const SeqRows& r : st.seqs) cache.advance(r.seq, r.count);
  return logits;
}

std::vector<float> Model::forward_host(PagedKvCache& cache, const std::vector<SequenceStep>& batch,
                                       LogitRows rows) {
  Tensor logits = forward(cache, batch, rows);
  std::vector<float> out(static_cast<size_t>(logits.numel()));
  backend_.download(backend_.default_stream(), logits, out.data());
  backend_.synchronize(backend_.default_stream());
  return out;
}

std::vector<int32_t> Model::forward_greedy(PagedKvCache& cache, const std::vector<SequenceStep>& batch) {
  Tensor logits = forward(cache, batch, LogitRows::LastPerSequence);
  Stream& s = backend_.default_stream();
  Tensor ids = backend_.alloc(Elem::I32, {logits.dim(0)});
  backend_.argmax(s, logits, ids);
  std::vector<int32_t> out(static_cast<size_t>(ids.numel()));
  backend_.download(s, ids, out.data());
  backend_.synchronize(s);
  for (int32_t id : out)
    if (id < 0)
      throw Error(ErrorKind::Internal, "sampler", "logit of token " + std::to_string(-1 - static_cast<int64_t>(id)) + " is NaN");
  return out;
}

}  // namespace archscope
