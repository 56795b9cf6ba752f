// Layer slices (`--layers A:B`, config/layer_range.hpp) on the model stack, on every -mini preset:
//  - only the slice's layers hold weights and KV, and the bytes allocated are the plan's for the
//    prologue, the slice's layers and the epilogue (summed op by op here from build_plan);
//  - each sliced layer keeps its identity: the ops executed are the prologue, the plan's ops of
//    exactly those layers (MoE where the full model's layer is MoE, global where it is global)
//    and the epilogue;
//  - a slice's weights are the full model's bit for bit (seeded per tensor name, which holds the
//    layer index), so a slice from layer 0 computes the full model's residual stream bit for bit.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <map>
#include <set>

#include "common/error.hpp"
#include "plan/plan.hpp"
#include "presets/preset_catalog.hpp"
#include "stack/model_stack.hpp"

using namespace archscope;

namespace {

ModelStackOptions options(std::optional<LayerRange> layers, Elem weights = Elem::F32) {
  ModelStackOptions o;
  o.threads = 2;
  o.random.seed = 11;
  o.weights = weights;
  o.max_sequences = 1;
  o.max_tokens = 40;
  o.layers = layers;
  return o;
}

std::vector<std::string> mini_presets() {
  std::vector<std::string> out;
  for (const std::string& n : preset_names(ARCHSCOPE_PRESETS))
    if (n.size() > 5 && n.compare(n.size() - 5, 5, "-mini") == 0) out.push_back(n);
  return out;
}

// Every tensor a layer holds, by field name.
std::map<std::string, Tensor> layer_tensors(const LayerWeights& L) {
  std::map<std::string, Tensor> m;
  auto ffn = [&](const std::string& p, const FfnWeights& f) {
    m[p + "gate_up"] = f.gate_up, m[p + "gate_up_bias"] = f.gate_up_bias, m[p + "up"] = f.up;
    m[p + "up_bias"] = f.up_bias, m[p + "down"] = f.down, m[p + "down_bias"] = f.down_bias;
  };
  m["input_norm"] = L.input_norm, m["post_attn_norm"] = L.post_attn_norm,
  m["pre_ffn_norm"] = L.pre_ffn_norm;
  m["post_ffn_norm"] = L.post_ffn_norm, m["input_norm_b"] = L.input_norm_b;
  m["post_attn_norm_b"] = L.post_attn_norm_b, m["pre_ffn_norm_b"] = L.pre_ffn_norm_b;
  m["post_ffn_norm_b"] = L.post_ffn_norm_b;
  const AttentionWeights& a = L.attn;
  const std::pair<const char*, const Tensor*> attn[] = {{"q", &a.q},
                                                        {"k", &a.k},
                                                        {"v", &a.v},
                                                        {"o", &a.o},
                                                        {"q_bias", &a.q_bias},
                                                        {"k_bias", &a.k_bias},
                                                        {"v_bias", &a.v_bias},
                                                        {"o_bias", &a.o_bias},
                                                        {"q_gate", &a.q_gate},
                                                        {"q_norm", &a.q_norm},
                                                        {"k_norm", &a.k_norm},
                                                        {"sinks", &a.sinks},
                                                        {"q_a", &a.q_a},
                                                        {"q_a_norm", &a.q_a_norm},
                                                        {"q_b", &a.q_b},
                                                        {"kv_a_latent", &a.kv_a_latent},
                                                        {"kv_a_rope", &a.kv_a_rope},
                                                        {"kv_a_norm", &a.kv_a_norm},
                                                        {"kv_b_k", &a.kv_b_k},
                                                        {"kv_b_v", &a.kv_b_v},
                                                        {"absorb_q", &a.absorb_q},
                                                        {"absorb_out", &a.absorb_out},
                                                        {"lin_q", &a.lin_q},
                                                        {"lin_k", &a.lin_k},
                                                        {"lin_v", &a.lin_v},
                                                        {"lin_z", &a.lin_z},
                                                        {"lin_b", &a.lin_b},
                                                        {"lin_a", &a.lin_a},
                                                        {"conv_q", &a.conv_q},
                                                        {"conv_k", &a.conv_k},
                                                        {"conv_v", &a.conv_v},
                                                        {"a_log", &a.a_log},
                                                        {"dt_bias", &a.dt_bias},
                                                        {"lin_norm", &a.lin_norm}};
  for (const auto& [n, t] : attn) m[std::string("attn.") + n] = *t;
  ffn("ffn.", L.ffn);
  m["moe.router"] = L.moe.router, m["moe.router_bias"] = L.moe.router_bias;
  m["moe.selection_bias"] = L.moe.selection_bias, m["moe.shared_gate"] = L.moe.shared_gate;
  const ExpertWeights& e = L.moe.experts;
  m["moe.experts.gate_up"] = e.gate_up, m["moe.experts.gate_up_bias"] = e.gate_up_bias;
  m["moe.experts.up"] = e.up, m["moe.experts.up_bias"] = e.up_bias, m["moe.experts.down"] = e.down;
  m["moe.experts.down_bias"] = e.down_bias;
  ffn("moe.shared.", L.moe.shared);
  return m;
}

// Bytes of every distinct buffer the weights hold (views and a tied head counted once).
uint64_t allocated_weight_bytes(const ModelWeights& w) {
  std::set<const Buffer*> seen;
  uint64_t bytes = 0;
  auto add = [&](const Tensor& t) {
    if (t.defined() && seen.insert(t.buffer().get()).second) bytes += t.buffer()->bytes();
  };
  add(w.embedding), add(w.positions), add(w.final_norm), add(w.final_norm_bias), add(w.lm_head);
  for (const LayerWeights& L : w.layers)
    for (const auto& [name, t] : layer_tensors(L)) add(t);
  return bytes;
}

std::vector<uint8_t> host_bytes(Backend& be, const Tensor& t) {
  std::vector<uint8_t> out(t.bytes());
  be.download(be.default_stream(), t, out.data());
  be.synchronize(be.default_stream());
  return out;
}

struct Recorder final : ForwardObserver {
  Backend* be = nullptr;
  std::vector<std::pair<int64_t, std::string>> ops;
  std::map<int64_t, std::vector<float>> residual;
  void before(Stream&, const OpEvent& e) override {
    ops.push_back({e.layer, e.op});
    for (const std::string& n : fused_ops(e.also)) ops.push_back({e.layer, n});
  }
  void after(Stream&, const OpEvent&) override {}
  void layer_output(Stream& s, int64_t layer, const Tensor& r) override {
    std::vector<float>& v = residual[layer];
    v.resize(static_cast<size_t>(r.numel()));
    be->download(s, r, v.data());
    be->synchronize(s);
  }
};

std::vector<int32_t> prompt(const ModelConfig& c) {
  std::vector<int32_t> t;
  for (int32_t i = 0; i < 9; ++i) t.push_back(static_cast<int32_t>((13 * i + 2) % c.vocab_size));
  return t;
}

// Prefill of 9 tokens, one decode step; the ops and per-layer residuals seen.
Recorder run(ModelStack& stack) {
  Recorder r;
  r.be = &stack.backend();
  stack.model().set_observer(&r);
  const int64_t seq = stack.cache().add_sequence();
  stack.model().forward(stack.cache(), {{seq, prompt(stack.config())}}, LogitRows::LastPerSequence);
  stack.model().forward(stack.cache(), {{seq, {3}}}, LogitRows::LastPerSequence);
  stack.model().set_observer(nullptr);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(layer_slice)

BOOST_AUTO_TEST_CASE(a_slice_allocates_the_plans_bytes_of_its_layers_only) {
  for (const std::string& name : mini_presets()) {
    const ModelConfig c = load_preset(name, ARCHSCOPE_PRESETS);
    const LayerRange r{c.n_layers - 2, c.n_layers - 1};
    ModelStack stack(c, options(r), "slice");
    // The plan's parameter bytes at fp32 (every tensor the engine holds is fp32 then), op by op.
    PlanOptions po;
    po.phase = Phase::Prefill;
    po.weights = DType::F32;
    const Plan plan = build_plan(c, po);
    uint64_t expected = 0;
    for (const Op& op : plan.prologue) expected += op.param_bytes;
    for (const Op& op : plan.epilogue) expected += op.param_bytes;
    for (int64_t l = r.first; l <= r.last; ++l) {
      for (const Op& op : plan.layers[static_cast<size_t>(l)].ops) expected += op.param_bytes;
      if (plan.layers[static_cast<size_t>(l)].spec.attention ==
          AttentionKind::Mla)  // W_uk^T per head
        expected +=
            4ull * static_cast<uint64_t>(c.attention.heads * c.attention.mla.qk_nope_head_dim *
                                         c.attention.mla.kv_lora_rank);
    }
    BOOST_TEST(allocated_weight_bytes(stack.weights()) == expected, name);
    BOOST_TEST(stack.memory().weights_bytes == expected, name);
    for (int64_t l = 0; l < r.first; ++l)
      for (const auto& [field, t] : layer_tensors(stack.weights().layers[static_cast<size_t>(l)]))
        BOOST_TEST(!t.defined(), name << " layer " << l << " " << field);
    // KV: the full model's per-layer pools of the slice's layers, nothing for the others.
    ModelStack whole(c, options(std::nullopt), "whole");
    const KvAccounting full = whole.cache().accounting(), part = stack.cache().accounting();
    uint64_t kv = 0;
    for (int64_t l = 0; l < c.n_layers; ++l) {
      const uint64_t got = part.per_layer[static_cast<size_t>(l)].allocated;
      const uint64_t want = r.contains(l) ? full.per_layer[static_cast<size_t>(l)].allocated : 0;
      BOOST_TEST(got == want, name << " layer " << l);
      kv += want;
    }
    BOOST_TEST(stack.memory().kv_bytes == kv, name);
    BOOST_TEST(part.total.allocated == kv, name);
  }
}

BOOST_AUTO_TEST_CASE(sliced_layers_run_the_full_models_ops_of_those_layers) {
  for (const std::string& name : mini_presets()) {
    const ModelConfig c = load_preset(name, ARCHSCOPE_PRESETS);
    for (const LayerRange r : {LayerRange{c.n_layers - 2, c.n_layers - 1}, LayerRange{1, 1}}) {
      ModelStack stack(c, options(r, Elem::BF16), "slice");
      const Recorder got = run(stack);
      PlanOptions po;
      po.logits_last_only = true;
      std::vector<std::pair<int64_t, std::string>> want;
      for (Phase ph : {Phase::Prefill, Phase::Decode}) {
        po.phase = ph;
        po.tokens = ph == Phase::Prefill ? 9 : 1;
        po.context = ph == Phase::Prefill ? 0 : 9;
        const Plan p = build_plan(c, po);
        for (const Op& op : p.prologue) want.push_back({-1, op.name});
        for (int64_t l = r.first; l <= r.last; ++l)
          for (const Op& op : p.layers[static_cast<size_t>(l)].ops) want.push_back({l, op.name});
        for (const Op& op : p.epilogue) want.push_back({c.n_layers, op.name});
      }
      // A fused step may name its two plan ops in either order: compare as multisets per layer.
      std::map<int64_t, std::multiset<std::string>> a, b;
      for (const auto& [l, op] : got.ops) a[l].insert(op);
      for (const auto& [l, op] : want) b[l].insert(op);
      BOOST_TEST((a == b), name << " slice " << to_string(r));
      BOOST_TEST(got.residual.size() == static_cast<size_t>(r.count()), name);
    }
  }
}

BOOST_AUTO_TEST_CASE(deepseek_layer_3_is_moe_in_a_slice) {
  const ModelConfig c = load_preset("deepseek-v3-mini", ARCHSCOPE_PRESETS);  // first_dense 1
  ModelStack stack(c, options(LayerRange{3, 3}, Elem::BF16), "slice");
  BOOST_TEST(stack.weights().layers[3].moe.experts.count() == c.moe.experts);
  BOOST_TEST(!stack.weights().layers[3].ffn.down.defined());
  const Recorder r = run(stack);
  bool experts = false;
  for (const auto& [l, op] : r.ops) experts = experts || (l == 3 && op == "experts");
  BOOST_TEST(experts);
}

BOOST_AUTO_TEST_CASE(a_slice_reproduces_the_full_models_layers_bit_for_bit) {
  for (const char* name : {"llama3-mini", "deepseek-v3-mini", "gemma3-mini", "qwen3-next-mini"}) {
    const ModelConfig c = load_preset(name, ARCHSCOPE_PRESETS);
    ModelStack whole(c, options(std::nullopt, Elem::BF16), "whole");
    // Weights of a slice that starts mid-model: the full model's, bit for bit.
    ModelStack mid(c, options(LayerRange{2, 3}, Elem::BF16), "mid");
    for (int64_t l : {2, 3}) {
      const auto a = layer_tensors(whole.weights().layers[static_cast<size_t>(l)]);
      const auto b = layer_tensors(mid.weights().layers[static_cast<size_t>(l)]);
      for (const auto& [field, t] : a) {
        BOOST_TEST(t.defined() == b.at(field).defined(), name << " " << field);
        if (t.defined() && b.at(field).defined())
          BOOST_TEST((host_bytes(whole.backend(), t) == host_bytes(mid.backend(), b.at(field))),
                     name << " layer " << l << " " << field);
      }
    }
    // A slice from layer 0 sees the full model's residual stream after each of its layers.
    ModelStack head(c, options(LayerRange{0, 1}, Elem::BF16), "head");
    const Recorder full = run(whole), part = run(head);
    for (int64_t l : {0, 1}) {
      const auto& x = full.residual.at(l);
      const auto& y = part.residual.at(l);
      BOOST_TEST_REQUIRE(x.size() == y.size());
      BOOST_TEST(std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0,
                 name << " layer " << l);
    }
  }
}

// Gemma 3's layer 5 is global: in a slice of that layer alone it must rotate with the global RoPE
// (theta 1e6, linear scaling 8), not the local one (theta 1e4) a slice's first layer might get.
BOOST_AUTO_TEST_CASE(a_global_layer_alone_keeps_the_global_rope) {
  const ModelConfig c = load_preset("gemma3-mini", ARCHSCOPE_PRESETS);
  BOOST_TEST_REQUIRE(c.position.rope_local.has_value());
  auto layer_out = [](const ModelConfig& config, int64_t layer) {
    ModelStack stack(config, options(LayerRange{layer, layer}, Elem::BF16), "slice");
    return run(stack).residual.at(layer);
  };
  ModelConfig local_changed = c, global_changed = c;
  local_changed.position.rope_local->theta *= 3;
  global_changed.position.rope.theta *= 3;
  const std::vector<float> base = layer_out(c, 5);
  BOOST_TEST((layer_out(local_changed, 5) == base));    // the local RoPE plays no part in layer 5
  BOOST_TEST(!(layer_out(global_changed, 5) == base));  // the global one does
  // And the other way round for sliding layer 4.
  const std::vector<float> base4 = layer_out(c, 4);
  BOOST_TEST((layer_out(global_changed, 4) == base4));
  BOOST_TEST(!(layer_out(local_changed, 4) == base4));
}

BOOST_AUTO_TEST_CASE(bad_slices_are_refused) {
  const ModelConfig c = load_preset("llama3-mini", ARCHSCOPE_PRESETS);
  try {
    ModelStack s(c, options(LayerRange{2, 4}), "slice");
    BOOST_FAIL("a slice past the last layer was accepted");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Validation));
    BOOST_TEST(e.message().find("layer 4 does not exist") != std::string::npos);
  }
  ModelStackOptions o = options(LayerRange{0, 1});
  o.hf_dir = "/nonexistent";
  try {
    ModelStack s(c, o, "slice");
    BOOST_FAIL("a slice of a checkpoint was accepted");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Unsupported));
    BOOST_TEST(e.where() == "--layers");
  }
}

BOOST_AUTO_TEST_SUITE_END()
