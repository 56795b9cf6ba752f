// Real quantized checkpoints load as published (issue 12 §1): the gpt-oss and DeepSeek-V3 HF
// reference fixtures rewritten to gpt-oss's MXFP4 layout (fused experts as *_blocks / *_scales,
// quant_method mxfp4) and DeepSeek-V3's FP8 layout (every linear weight F8_E4M3 with a 128 x 128
// weight_scale_inv, quant_method fp8) by the spec encoders of published_checkpoint.hpp, loaded
// beside a plain F32 checkpoint of the values they decode to (float64 reference): every weight
// tensor and the logits are bit-identical, at fp32 and at bf16. The checkpoint's format and its
// packed bytes are recorded.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "common/error.hpp"
#include "parity_support.hpp"
#include "published_checkpoint.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

std::vector<uint8_t> raw(Backend& be, const Tensor& t) {
  std::vector<uint8_t> v(t.bytes());
  be.download(be.default_stream(), t, v.data());
  be.synchronize(be.default_stream());
  return v;
}

// Every tensor of the weights, named, in a fixed order.
std::vector<std::pair<std::string, const Tensor*>> all_tensors(const ModelWeights& w) {
  std::vector<std::pair<std::string, const Tensor*>> out{
      {"embedding", &w.embedding}, {"lm_head", &w.lm_head}, {"final_norm", &w.final_norm}};
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const LayerWeights& L = w.layers[i];
    const std::string p = "layer " + std::to_string(i) + " ";
    auto add = [&](const char* n, const Tensor& t) { out.emplace_back(p + n, &t); };
    add("input_norm", L.input_norm), add("pre_ffn_norm", L.pre_ffn_norm),
        add("post_attn_norm", L.post_attn_norm);
    const AttentionWeights& a = L.attn;
    add("q", a.q), add("k", a.k), add("v", a.v), add("o", a.o), add("q_bias", a.q_bias),
        add("k_bias", a.k_bias);
    add("v_bias", a.v_bias), add("o_bias", a.o_bias), add("sinks", a.sinks), add("q_a", a.q_a);
    add("q_a_norm", a.q_a_norm), add("q_b", a.q_b), add("kv_a_latent", a.kv_a_latent),
        add("kv_a_rope", a.kv_a_rope);
    add("kv_a_norm", a.kv_a_norm), add("kv_b_k", a.kv_b_k), add("kv_b_v", a.kv_b_v),
        add("absorb_q", a.absorb_q);
    add("ffn.gate_up", L.ffn.gate_up), add("ffn.down", L.ffn.down);
    const MoeWeights& m = L.moe;
    add("router", m.router), add("router_bias", m.router_bias),
        add("selection_bias", m.selection_bias);
    add("experts.gate_up", m.experts.gate_up), add("experts.gate_up_bias", m.experts.gate_up_bias);
    add("experts.down", m.experts.down), add("experts.down_bias", m.experts.down_bias);
    add("shared.gate_up", m.shared.gate_up), add("shared.down", m.shared.down);
  }
  return out;
}

// The quantized and the plain checkpoint load to the same bytes in every tensor and the same
// logits bit for bit; returns the quantized load's checkpoint record.
CheckpointFormat same_model(const std::string& family, const PublishedPair& pair,
                            const nlohmann::json& quant, Elem dtype) {
  const Fixture f = load_fixture(family);
  const TempCheckpoint quantized(family + "_q", fixture_dir(family) / "config.json", quant,
                                 pair.quantized);
  const TempCheckpoint plain(family + "_plain", fixture_dir(family) / "config.json", nullptr,
                             pair.plain);
  cpu::CpuBackend be(2);
  const ModelWeights wq = load_hf_weights(be, f.config, quantized.dir, dtype);
  const ModelWeights wp = load_hf_weights(be, f.config, plain.dir, dtype);
  BOOST_TEST(!wp.quantization.checkpoint.has_value());
  BOOST_REQUIRE(wq.quantization.checkpoint.has_value());
  const auto tq = all_tensors(wq), tp = all_tensors(wp);
  int compared = 0;
  for (size_t i = 0; i < tq.size(); ++i) {
    BOOST_TEST_CONTEXT(tq[i].first) {
      BOOST_TEST(tq[i].second->defined() == tp[i].second->defined());
      if (!tq[i].second->defined()) continue;
      BOOST_TEST((tq[i].second->elem() == tp[i].second->elem()));
      BOOST_TEST((raw(be, *tq[i].second) == raw(be, *tp[i].second)));
      ++compared;
    }
  }
  BOOST_TEST(compared > 10);
  std::vector<float> logits[2];
  const ModelWeights* weights[2] = {&wq, &wp};
  for (int k = 0; k < 2; ++k) {
    Model model(be, f.config, *weights[k]);
    PagedKvCache cache(be, f.config, small_cache());
    const int64_t s = cache.add_sequence();
    logits[k] = model.forward_host(cache, {{s, f.tokens}}, LogitRows::All);
  }
  BOOST_REQUIRE(logits[0].size() == logits[1].size());
  BOOST_TEST(std::memcmp(logits[0].data(), logits[1].data(), logits[0].size() * 4) == 0);
  // The quantization error is real: the dequantized model is not the fixture's model.
  BOOST_TEST(rel_diff(logits[0], f, 0) > kParityTolerance);
  return *wq.quantization.checkpoint;
}

PublishedPair gpt_oss_pair() {
  return published_pair(fixture_dir("gpt_oss") / "model.safetensors", gpt_oss_mxfp4_tensor,
                        mxfp4_experts);
}
PublishedPair deepseek_pair() {
  return published_pair(fixture_dir("deepseek_v3") / "model.safetensors", deepseek_v3_fp8_tensor,
                        fp8_block);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(published_checkpoints)

BOOST_AUTO_TEST_CASE(gpt_oss_mxfp4_loads_as_its_decoded_values) {
  const PublishedPair pair = gpt_oss_pair();
  BOOST_REQUIRE(pair.quantized.count("model.layers.1.mlp.experts.down_proj_blocks"));
  for (Elem dtype : {Elem::F32, Elem::BF16}) {
    const CheckpointFormat c = same_model("gpt_oss", pair, gpt_oss_quant_config(), dtype);
    BOOST_TEST((c.format == quant::Format::Mxfp4));
    // 2 layers x (gate_up_proj [4, 64, 128] + down_proj [4, 64, 64]), 17 bytes per 32 weights.
    BOOST_TEST(c.tensors == 4);
    BOOST_TEST(c.elements == 2 * (4 * 64 * 128 + 4 * 64 * 64));
    BOOST_TEST(c.bytes == static_cast<uint64_t>(c.elements / 32 * 17));
    BOOST_TEST(c.bits_per_weight() == 4.25);
  }
}

BOOST_AUTO_TEST_CASE(deepseek_v3_fp8_loads_as_its_decoded_values) {
  const PublishedPair pair = deepseek_pair();
  BOOST_REQUIRE(pair.quantized.at("model.layers.0.self_attn.kv_b_proj.weight").dtype == "F8_E4M3");
  BOOST_REQUIRE((pair.quantized.at("model.layers.0.self_attn.kv_b_proj.weight_scale_inv").shape ==
                 std::vector<int64_t>{2, 1}));  // [160, 32]: a whole and a partial block of rows
  BOOST_REQUIRE(pair.quantized.at("model.layers.1.mlp.gate.weight").dtype == "F32");  // the router
  BOOST_REQUIRE(pair.quantized.at("model.layers.2.self_attn.kv_a_proj_with_mqa.weight").dtype ==
                "F8_E4M3");
  for (Elem dtype : {Elem::F32, Elem::BF16}) {
    const CheckpointFormat c = same_model("deepseek_v3", pair, deepseek_v3_quant_config(), dtype);
    BOOST_TEST((c.format == quant::Format::Fp8E4M3Block128));
    int64_t tensors = 0, elements = 0;
    uint64_t bytes = 0;
    for (const auto& [name, t] : pair.quantized) {
      if (t.dtype == "F8_E4M3") ++tensors, elements += static_cast<int64_t>(t.bytes.size());
      if (t.dtype == "F8_E4M3" || name.ends_with("_scale_inv")) bytes += t.bytes.size();
    }
    BOOST_TEST(c.tensors == tensors);
    BOOST_TEST(c.elements == elements);
    BOOST_TEST(c.bytes == bytes);
  }
}

BOOST_AUTO_TEST_SUITE_END()
