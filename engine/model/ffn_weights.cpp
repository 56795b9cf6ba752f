// Dense FFN, MoE router, routed experts and shared experts. Routed experts are stacked per
// projection ([E, N, K]), each expert uploaded into its slice: from per-expert HF tensors
// (gate_proj / up_proj / down_proj, or Mixtral's w1 / w3 / w2) or from the fused [E, d, 2F] /
// [E, F, d] tensors of gpt-oss and Llama 4 (x @ W form, transposed one expert at a time).
#include <algorithm>

#include "common/error.hpp"
#include "model/weight_builder.hpp"

namespace archscope {

FfnWeights ExpertWeights::expert(int64_t e) const {
  auto slice = [e](const Tensor& t) {
    if (!t.defined()) return Tensor();
    Shape inner(t.shape().begin() + 1, t.shape().end());
    return t.slice_rows(e, 1).reshape(inner);
  };
  FfnWeights f;
  f.gate_up = slice(gate_up);
  f.gate_up_bias = slice(gate_up_bias);
  f.up = slice(up);
  f.up_bias = slice(up_bias);
  f.down = slice(down);
  f.down_bias = slice(down_bias);
  f.interleaved = interleaved;
  return f;
}

}  // namespace archscope

namespace archscope::model_detail {

namespace {

bool gated(FfnKind k) { return k != FfnKind::Gelu && k != FfnKind::Relu; }

// gate_proj / up_proj / down_proj under prefix `e` (names given), F wide.
FfnWeights read_ffn(WeightBuilder& b, const std::string& e, int64_t f, const char* gate, const char* up,
                    const char* down, bool bias) {
  const int64_t d = b.config.d_model;
  FfnWeights w;
  if (gated(b.config.ffn.kind)) {
    // [gate; up] streamed straight into one tensor, gate first (errors name it): no fp32 host
    // copies of the halves or of their stack, so the load's peak memory stays near the weights.
    w.gate_up = b.linear_parts({{e + gate + ".weight", f}, {e + up + ".weight", f}}, d);
    if (bias) {
      std::vector<float> gb = b.read(e + gate + ".bias", {f}, TensorRole::Bias);
      const std::vector<float> ub = b.read(e + up + ".bias", {f}, TensorRole::Bias);
      gb.insert(gb.end(), ub.begin(), ub.end());
      w.gate_up_bias = b.f32(gb, {2 * f});
    }
  } else {
    w.up = b.linear(e + up + ".weight", f, d);
    if (bias) w.up_bias = b.bias(e + up + ".bias", f);
  }
  w.down = b.linear(e + down + ".weight", d, f);
  if (bias) w.down_bias = b.bias(e + down + ".bias", d);
  return w;
}

// Per-expert tensors under `ex` + "<e>." (names given), each streamed into its expert's slice.
void read_expert_stack(WeightBuilder& b, const std::string& ex, const char* gate, const char* up, const char* down,
                       ExpertWeights& w) {
  const ModelConfig& c = b.config;
  const int64_t E = c.moe.experts, d = c.d_model, f = c.moe.expert_d_ff;
  const bool bias = c.moe.expert_bias;
  auto name = [&](int64_t x, const char* part, const char* leaf) {
    return ex + std::to_string(x) + "." + part + "." + leaf;
  };
  // Biases are small: gathered on the host, uploaded once per stack.
  auto biases = [&](std::initializer_list<const char*> parts, int64_t n) {
    std::vector<float> v;
    v.reserve(static_cast<size_t>(E * n * static_cast<int64_t>(parts.size())));
    for (int64_t x = 0; x < E; ++x)
      for (const char* part : parts) {
        const std::vector<float> p = b.read(name(x, part, "bias"), {n}, TensorRole::Bias);
        v.insert(v.end(), p.begin(), p.end());
      }
    return b.f32(v, {E, n * static_cast<int64_t>(parts.size())});
  };
  if (gated(c.ffn.kind)) {
    w.gate_up = b.alloc_linear({E, 2 * f, d});
    Tensor rows = w.gate_up.reshape({E * 2 * f, d});
    for (int64_t x = 0; x < E; ++x) {
      b.linear_into(rows, x * 2 * f, name(x, gate, "weight"), f);
      b.linear_into(rows, x * 2 * f + f, name(x, up, "weight"), f);
    }
    if (bias) w.gate_up_bias = biases({gate, up}, f);
  } else {
    w.up = b.alloc_linear({E, f, d});
    Tensor rows = w.up.reshape({E * f, d});
    for (int64_t x = 0; x < E; ++x) b.linear_into(rows, x * f, name(x, up, "weight"), f);
    if (bias) w.up_bias = biases({up}, f);
  }
  w.down = b.alloc_linear({E, d, f});
  Tensor rows = w.down.reshape({E * d, f});
  for (int64_t x = 0; x < E; ++x) b.linear_into(rows, x * d, name(x, down, "weight"), d);
  if (bias) w.down_bias = biases({down}, d);
}

// A fused [E, in, out] tensor (x @ W form) into dst [E, out, in]: the source is read in pieces of
// whole rows, staged one expert at a time, transposed and uploaded into that expert's slice.
void stream_fused(WeightBuilder& b, const std::string& name, int64_t in, int64_t out, Tensor& dst) {
  const int64_t E = dst.dim(0), per = in * out;
  Tensor rows = dst.reshape({E * out, in});
  std::vector<float> stage(static_cast<size_t>(per));
  int64_t got = 0;  // values of the whole tensor received so far
  b.source.read_chunked(b.request(name, {E, in, out}, TensorRole::Matrix, in), per, [&](const float* v, int64_t n) {
    if (got + n > E * per) throw Error(ErrorKind::Internal, name, "source returned too many values");
    while (n > 0) {
      const int64_t at = got % per, take = std::min(n, per - at);
      std::copy(v, v + take, stage.begin() + at);
      v += take;
      n -= take;
      got += take;
      if (at + take == per) {
        // This expert's W^T [out, in]: quantized as the layer applies it (blocks along `in`).
        HostMatrix t = transpose(stage.data(), in, out);
        b.quantize(t, name);
        b.upload_into(rows, (got / per - 1) * out, t);
      }
    }
  });
  if (got != E * per) throw Error(ErrorKind::Internal, name, "source returned " + std::to_string(got) + " values");
}

// Fused experts: gate_up_proj [E, d, 2F], down_proj [E, F, d]. gpt-oss interleaves gate and up
// columns; Llama 4 concatenates halves.
void read_fused_experts(WeightBuilder& b, const std::string& e, ExpertWeights& w) {
  const ModelConfig& c = b.config;
  const int64_t E = c.moe.experts, d = c.d_model, f = c.moe.expert_d_ff;
  if (!gated(c.ffn.kind)) throw Error(ErrorKind::Unsupported, e + "gate_up_proj", "fused experts need a gated FFN");
  w.interleaved = c.ffn.kind == FfnKind::SwiGluClamped;
  w.gate_up = b.alloc_linear({E, 2 * f, d});
  stream_fused(b, e + "gate_up_proj", d, 2 * f, w.gate_up);
  w.down = b.alloc_linear({E, d, f});
  stream_fused(b, e + "down_proj", f, d, w.down);
  if (c.moe.expert_bias) {
    w.gate_up_bias = b.f32(b.read(e + "gate_up_proj_bias", {E, 2 * f}, TensorRole::Bias), {E, 2 * f});
    w.down_bias = b.f32(b.read(e + "down_proj_bias", {E, d}, TensorRole::Bias), {E, d});
  }
}

}  // namespace

void build_dense_ffn(WeightBuilder& b, const std::string& p, FfnWeights& w) {
  const std::string probe = gated(b.config.ffn.kind) ? "gate_proj.weight" : "up_proj.weight";
  const std::string mlp = b.has(p + "mlp." + probe) || !b.has(p + "feed_forward." + probe) ? "mlp." : "feed_forward.";
  w = read_ffn(b, p + mlp, b.config.ffn.d_ff, "gate_proj", "up_proj", "down_proj", b.config.ffn.bias);
}

void build_moe(WeightBuilder& b, const std::string& p, MoeWeights& w) {
  const ModelConfig& c = b.config;
  const MoeConfig& m = c.moe;
  const int64_t d = c.d_model, E = m.experts;
  // Router spellings: mlp.gate (Mixtral-style HF, Qwen, DeepSeek, GLM), mlp.router (gpt-oss),
  // feed_forward.router (Llama 4), block_sparse_moe.gate (Mixtral).
  std::string mlp = "mlp.", router = "gate";
  for (auto [mp, rp] : {std::pair{"mlp.", "gate"}, {"mlp.", "router"}, {"feed_forward.", "router"},
                        {"block_sparse_moe.", "gate"}}) {
    if (b.has(p + mp + rp + ".weight")) {
      mlp = mp;
      router = rp;
      break;
    }
  }
  const std::string base = p + mlp;
  w.router = b.matrix(base + router + ".weight", E, d);
  if (m.router_bias) w.router_bias = b.bias(base + router + ".bias", E);
  if (m.selection_bias) w.selection_bias = b.bias(base + router + ".e_score_correction_bias", E);

  const std::string ex = base + "experts.";
  if (b.has(ex + "0.gate_proj.weight") || b.has(ex + "0.up_proj.weight")) {
    read_expert_stack(b, ex, "gate_proj", "up_proj", "down_proj", w.experts);
  } else if (b.has(ex + "0.w1.weight")) {  // Mixtral: w1 gate, w3 up, w2 down
    read_expert_stack(b, ex, "w1", "w3", "w2", w.experts);
  } else {
    read_fused_experts(b, ex, w.experts);
  }

  if (m.shared_experts > 0 && m.shared_d_ff > 0) {
    const std::string shared = b.has(base + "shared_experts.gate_proj.weight") || !b.has(base + "shared_expert.gate_proj.weight")
                                   ? "shared_experts."
                                   : "shared_expert.";
    w.shared = read_ffn(b, base + shared, m.shared_experts * m.shared_d_ff, "gate_proj", "up_proj", "down_proj", false);
    if (m.shared_gate) w.shared_gate = b.matrix(base + "shared_expert_gate.weight", 1, d);
  }
}

}  // namespace archscope::model_detail
