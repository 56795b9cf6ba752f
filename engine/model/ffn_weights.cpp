// Dense FFN, MoE router, routed experts (per-expert HF tensors, Mixtral's w1/w2/w3, or the fused
// [E, d, 2F] tensors of gpt-oss and Llama 4) and shared experts.
#include "common/error.hpp"
#include "model/weight_builder.hpp"

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
    w.gate_up = b.streamed_matrix({{e + gate + ".weight", f}, {e + up + ".weight", f}}, d);
    if (bias) {
      std::vector<float> gb = b.read(e + gate + ".bias", {f}, TensorRole::Bias);
      const std::vector<float> ub = b.read(e + up + ".bias", {f}, TensorRole::Bias);
      gb.insert(gb.end(), ub.begin(), ub.end());
      w.gate_up_bias = b.f32(gb, {2 * f});
    }
  } else {
    w.up = b.matrix(e + up + ".weight", f, d);
    if (bias) w.up_bias = b.bias(e + up + ".bias", f);
  }
  w.down = b.matrix(e + down + ".weight", d, f);
  if (bias) w.down_bias = b.bias(e + down + ".bias", d);
  return w;
}

// Fused experts: gate_up_proj [E, d, 2F] (x @ W form), down_proj [E, F, d]. gpt-oss interleaves
// gate and up columns; Llama 4 concatenates halves.
void read_fused_experts(WeightBuilder& b, const std::string& e, MoeWeights& w) {
  const ModelConfig& c = b.config;
  const int64_t E = c.moe.experts, d = c.d_model, f = c.moe.expert_d_ff;
  if (!gated(c.ffn.kind)) throw Error(ErrorKind::Unsupported, e + "gate_up_proj", "fused experts need a gated FFN");
  const bool inter = c.ffn.kind == FfnKind::SwiGluClamped;
  const std::vector<float> gu = b.read(e + "gate_up_proj", {E, d, 2 * f}, TensorRole::Matrix, d);
  const std::vector<float> dn = b.read(e + "down_proj", {E, f, d}, TensorRole::Matrix, f);
  std::vector<float> gub, dnb;
  if (c.moe.expert_bias) {
    gub = b.read(e + "gate_up_proj_bias", {E, 2 * f}, TensorRole::Bias);
    dnb = b.read(e + "down_proj_bias", {E, d}, TensorRole::Bias);
  }
  w.experts.resize(static_cast<size_t>(E));
  for (int64_t x = 0; x < E; ++x) {
    FfnWeights& fw = w.experts[static_cast<size_t>(x)];
    fw.interleaved = inter;
    fw.gate_up = b.matrix(transpose(gu.data() + x * d * 2 * f, d, 2 * f));
    fw.down = b.matrix(transpose(dn.data() + x * f * d, f, d));
    if (c.moe.expert_bias) {
      fw.gate_up_bias = b.f32(std::vector<float>(gub.begin() + x * 2 * f, gub.begin() + (x + 1) * 2 * f), {2 * f});
      fw.down_bias = b.f32(std::vector<float>(dnb.begin() + x * d, dnb.begin() + (x + 1) * d), {d});
    }
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
    w.experts.resize(static_cast<size_t>(E));
    for (int64_t x = 0; x < E; ++x)
      w.experts[static_cast<size_t>(x)] = read_ffn(b, ex + std::to_string(x) + ".", m.expert_d_ff, "gate_proj",
                                                   "up_proj", "down_proj", m.expert_bias);
  } else if (b.has(ex + "0.w1.weight")) {  // Mixtral: w1 gate, w3 up, w2 down
    w.experts.resize(static_cast<size_t>(E));
    for (int64_t x = 0; x < E; ++x)
      w.experts[static_cast<size_t>(x)] = read_ffn(b, ex + std::to_string(x) + ".", m.expert_d_ff, "w1", "w3", "w2", m.expert_bias);
  } else {
    read_fused_experts(b, ex, w);
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
