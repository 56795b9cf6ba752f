// Explain texts: every topic renders for every preset with no hole, names its sources, and the
// numbers it shows are the plan's — checked against arithmetic from the model cards.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>

#include "common/error.hpp"
#include "explain/explain_figures.hpp"
#include "explain/explain_template.hpp"
#include "plan/analysis.hpp"
#include "presets/hardware_catalog.hpp"
#include "presets/preset_catalog.hpp"

using namespace archscope;
using namespace archscope::explain;

namespace {

const std::filesystem::path kAssets =
    std::filesystem::path(ARCHSCOPE_SOURCE_DIR) / "assets" / "explain";

const Topic& topic(const std::string& id) {
  static const std::vector<Topic> topics = load_topics(kAssets);
  for (const Topic& t : topics)
    if (t.id == id) return t;
  throw std::runtime_error("no topic " + id);
}

Analysis analysis(const char* preset, int64_t context = 4096, bool hardware = false) {
  AnalysisOptions o;
  o.context = context;
  return summarize(load_preset(preset, ARCHSCOPE_PRESETS), o,
                   hardware
                       ? std::optional(load_hardware("h100-sxm", hardware_dir(ARCHSCOPE_PRESETS)))
                       : std::nullopt);
}

std::string rendered(const char* id, const Analysis& a, const ExplainParams& p = {}) {
  return render(topic(id), topic_variables(id, a, p));
}

// Markdown joins wrapped lines into one paragraph: compare with runs of white space as one space.
std::string squeeze(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t';
    if (space && !out.empty() && out.back() == ' ') continue;
    out += space ? ' ' : c;
  }
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return squeeze(text).find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(explain_texts)

BOOST_AUTO_TEST_CASE(every_topic_has_a_file_with_sources_and_every_file_a_topic) {
  const std::vector<Topic> topics = load_topics(kAssets);
  BOOST_TEST(topics.size() == topic_ids().size());
  for (const std::string& id : topic_ids()) {
    const Topic& t = topic(id);
    BOOST_TEST(!t.sources.empty(), id);
    BOOST_TEST(!t.title.empty(), id);
  }
}

BOOST_AUTO_TEST_CASE(every_topic_renders_for_every_preset_without_holes) {
  for (const std::string& name : preset_names(ARCHSCOPE_PRESETS)) {
    for (bool hw : {false, true}) {
      const Analysis a = analysis(name.c_str(), 8192, hw);
      for (const std::string& id : topic_ids()) {
        std::string text;
        BOOST_CHECK_NO_THROW(text =
                                 render_with_sources(topic(id), topic_variables(id, a, {8, true})));
        BOOST_TEST(!contains(text, "{{"), name + " " + id);
        BOOST_TEST(!contains(text, "nan"), name + " " + id);
        BOOST_TEST(contains(text, "**Sources**"), name + " " + id);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(gqa_numbers_are_the_plans_and_the_model_cards) {
  // Llama 3 8B (its config.json): 32 layers, 32 query heads, 8 KV heads of 128 dims. K and V in
  // bf16: 2 × 32 × 8 × 128 × 2 B = 131,072 B = 128 KiB per token; MHA would cache 4× that.
  const Analysis a = analysis("llama3-8b");
  BOOST_TEST(a.kv.bytes_per_token == 2u * 32 * 8 * 128 * 2);
  const std::string text = rendered("attention-heads", a);
  BOOST_TEST(contains(text, "8 KV heads for 32 query"));
  BOOST_TEST(
      contains(text, "stores 4× less KV than MHA would, **128 KiB instead of 512 KiB per token**"));
  const Variables v = topic_variables("attention-heads", a);
  BOOST_TEST(v.at("mha_kv_per_token").number == 2.0 * 32 * 32 * 128 * 2);
}

BOOST_AUTO_TEST_CASE(mla_numbers) {
  // DeepSeek-V3 (config.json): kv_lora_rank 512, qk_rope_head_dim 64 cached per token and layer;
  // 128 heads of qk_nope 128 + qk_rope 64 and v 128 for MHA; 61 layers; bf16.
  const Analysis a = analysis("deepseek-v3");
  BOOST_TEST(a.kv.bytes_per_token == 61u * (512 + 64) * 2);
  const Variables v = topic_variables("attention-heads", a);
  BOOST_TEST(v.at("latent_per_layer").number == (512.0 + 64) * 2);
  BOOST_TEST(v.at("mha_equiv_per_layer").number == 128.0 * (128 + 64 + 128) * 2);
  const std::string text = rendered("attention-heads", a);
  BOOST_TEST(contains(text, "1.1 KiB per token and layer"));
  BOOST_TEST(contains(text, "would cache 80 KiB — **71× more**"));
  BOOST_TEST(contains(text, "68.6 KiB per token"));  // 70,272 B
}

BOOST_AUTO_TEST_CASE(sliding_window_numbers) {
  // Gemma 3 27B: 62 layers, 5 sliding (window 1024) : 1 global, 16 KV heads of 128 dims, bf16.
  // At 32,768 tokens: 52 sliding layers hold 1,024 tokens, 10 global ones all of them.
  const Analysis a = analysis("gemma3-27b", 32768);
  const double per_token_layer = 2.0 * 16 * 128 * 2;
  const double expected = 52 * per_token_layer * 1024 + 10 * per_token_layer * 32768;
  BOOST_TEST(static_cast<double>(a.kv.bytes_at_context) == expected);
  const Variables v = topic_variables("sliding-window", a);
  BOOST_TEST(v.at("all_global_kv_at_context").number == 62 * per_token_layer * 32768);
  const std::string text = rendered("sliding-window", a);
  BOOST_TEST(contains(text, "10 global layers, 52 sliding-window layers"));
  BOOST_TEST(contains(text, "**2.9 GiB**"));
  BOOST_TEST(contains(text, "15.5 GiB"));
}

BOOST_AUTO_TEST_CASE(lora_size_from_the_projection_shapes) {
  // Llama 3 8B, rank 16 on q (4096→4096), k and v (4096→1024), o (4096→4096), 32 layers.
  const Variables v = topic_variables("lora", analysis("llama3-8b"), {16, false});
  BOOST_TEST(v.at("adapter_params").number == 32.0 * 16 * ((4096 + 4096) * 2 + (4096 + 1024) * 2));
  BOOST_TEST(v.at("modules").number == 128);
  const Variables all = topic_variables("lora", analysis("llama3-8b"), {16, true});
  // + gate and up (4096→14336) and down (14336→4096) per layer.
  BOOST_TEST(all.at("adapter_params").number ==
             v.at("adapter_params").number + 32.0 * 16 * 3 * (4096 + 14336));
}

BOOST_AUTO_TEST_CASE(quantization_and_tying) {
  const Analysis a = analysis("llama3-8b");
  const Variables q = topic_variables("quantization", a);
  BOOST_TEST(q.at("bf16_weights").number == static_cast<double>(a.weights_bytes));
  // int4 quantizes the matmul weights only: the embedding and the untied head (128,256 × 4,096
  // each) and the norms (4,096 × (2 × 32 + 1)) stay bf16, 2 bytes per parameter.
  const double plain = 2.0 * 128256 * 4096 + 4096.0 * (2 * 32 + 1);
  const double matmul = static_cast<double>(a.params.total) - plain;
  BOOST_TEST(q.at("int4_weights").number == 2 * plain + matmul / 2);
  const Variables t = topic_variables("weight-tying", analysis("qwen3-0.6b"));
  BOOST_TEST(t.at("tied").truthy);
  BOOST_TEST(t.at("flipped_params").number -
                 static_cast<double>(analysis("qwen3-0.6b").params.total) ==
             151936.0 * 1024);
}

BOOST_AUTO_TEST_CASE(templates_refuse_holes) {
  const Topic t = parse_topic(
      "---\nid: x\ntitle: X\nsources:\n- a\n---\n{{#if a}}{{b}}{{else}}{{c}}{{/if}}", "x.md");
  Variables v;
  v["a"] = {"yes", true, 1};
  v["b"] = {"B", false, 0};
  BOOST_CHECK_THROW(render(t, v), Error);  // c is undefined even though its branch is not taken
  v["c"] = {"C", false, 0};
  BOOST_TEST(render(t, v) == "B");
  BOOST_CHECK_THROW(parse_topic("---\nid: x\ntitle: X\n---\nbody", "x.md"), Error);  // no sources
  const Topic open = parse_topic("---\nid: x\ntitle: X\nsources:\n- a\n---\n{{#if a}}", "x.md");
  BOOST_CHECK_THROW(render(open, v), Error);
}

// Llama 3 8B from its model card (32 layers, d_model 4,096, 32 heads, 8 KV heads of 128, SwiGLU
// 14,336, vocabulary 128,256, untied): one layer holds 2 × 4,096² (q, o) + 2 × 4,096 × 1,024
// (k, v) + 3 × 4,096 × 14,336 + 2 × 4,096 (norms) = 218,112,000 parameters; embedding and head
// 2 × 128,256 × 4,096, the final norm 4,096.
constexpr double kLlamaLayer = 218112000.0, kLlamaEnds = 2.0 * 128256 * 4096 + 4096;

BOOST_AUTO_TEST_CASE(pruning_numbers_from_the_shapes) {
  const Analysis llama = analysis("llama3-8b");
  BOOST_TEST(static_cast<double>(llama.params.total) == 32 * kLlamaLayer + kLlamaEnds);
  const Variables v = topic_variables("pruning", llama);
  BOOST_TEST(v.at("has_layer_cut").truthy);
  BOOST_TEST(v.at("kept_layers").number == 24);
  BOOST_TEST(v.at("cut_params").number == 24 * kLlamaLayer + kLlamaEnds);
  BOOST_TEST(v.at("cut_kv").number == 2.0 * 24 * 8 * 128 * 2);  // 96 KiB
  // Half the KV heads: k and v shrink to 4,096 × 512 each, the cache to 64 KiB per token.
  BOOST_TEST(v.at("head_cut_kv").number == 2.0 * 32 * 4 * 128 * 2);
  BOOST_TEST(v.at("head_cut_params").number == 32 * (kLlamaLayer - 2.0 * 4096 * 512) + kLlamaEnds);
  BOOST_TEST(!v.at("has_expert_cut").truthy);  // dense: nothing to cut
  const std::string text = rendered("pruning", llama);
  BOOST_TEST(contains(text, "(32 → 24)"));
  BOOST_TEST(contains(text, "96 KiB of KV per token"));
  BOOST_TEST(contains(text, "64 KiB of KV per token"));

  // Mixtral 8x7B (model card: 46.7B total, 12.9B active): 32 layers of Llama-2-7B-shaped
  // attention (41,943,040), 8 experts of 3 × 4,096 × 14,336, a 4,096 × 8 router, vocabulary
  // 32,000 untied. Half the experts halve the expert weights, not the two used per token.
  const Analysis mixtral = analysis("mixtral-8x7b");
  const double expert = 3.0 * 4096 * 14336, attention = 41943040, norms = 2 * 4096;
  const double ends = 2.0 * 32000 * 4096 + 4096;
  BOOST_TEST(static_cast<double>(mixtral.params.total) ==
             32 * (attention + 8 * expert + 4096 * 8 + norms) + ends);
  const Variables m = topic_variables("pruning", mixtral);
  BOOST_TEST(m.at("has_expert_cut").truthy);
  BOOST_TEST(m.at("half_experts").number == 4);
  BOOST_TEST(m.at("expert_cut_params").number ==
             32 * (attention + 4 * expert + 4096 * 4 + norms) + ends);
  BOOST_TEST(m.at("expert_cut_active").number ==
             32 * (attention + 2 * expert + 4096 * 4 + norms) + ends);
}

BOOST_AUTO_TEST_CASE(moe_routing_and_shared_expert_numbers) {
  const Variables m = topic_variables("moe-routing", analysis("mixtral-8x7b"));
  const double expert = 3.0 * 4096 * 14336;  // 176,160,768
  BOOST_TEST(m.at("expert_params").number == expert);
  BOOST_TEST(m.at("moe_layers").number == 32);
  BOOST_TEST(m.at("routed_params").number == 32 * 8 * expert);
  BOOST_TEST(m.at("routed_active").number == 32 * 2 * expert);
  BOOST_TEST(m.at("router_params").number == 32.0 * 4096 * 8);
  BOOST_TEST(m.at("active_fraction").number == 25.0);  // top-2 of 8
  // DeepSeek-V3 (its config.json): 256 routed experts of width 2,048 in 58 MoE layers, top-8 from
  // 4 of 8 groups (128 eligible), sigmoid scores, 1 shared expert of width 2,048.
  const Analysis ds = analysis("deepseek-v3");
  const Variables d = topic_variables("moe-routing", ds);
  BOOST_TEST(d.at("moe_layers").number == 58);
  BOOST_TEST(d.at("expert_params").number == 3.0 * 7168 * 2048);
  BOOST_TEST(d.at("eligible").number == 128);
  BOOST_TEST(d.at("is_sigmoid").truthy);
  const Variables s = topic_variables("shared-experts", ds);
  BOOST_TEST(s.at("shared_params").number == 58 * 3.0 * 7168 * 2048);
  // Balanced routing of 4,096 prefill tokens: 4,096 × 8 / 256 = 128 per expert, 160 with a
  // capacity factor of 1.25 (Switch Transformer's).
  BOOST_TEST(s.at("tokens_per_expert").number == 128);
  BOOST_TEST(s.at("capacity").number == 160);
}

BOOST_AUTO_TEST_CASE(kv_cache_and_early_exit_numbers) {
  const Analysis llama = analysis("llama3-8b");
  const Variables k = topic_variables("kv-cache", llama);
  const double kv = 131072.0 * 4096;  // 128 KiB per token × 4,096 tokens = 512 MiB
  const double weights = 2 * (32 * kLlamaLayer + kLlamaEnds);  // bf16
  BOOST_TEST(k.at("kv_vs_weights").number == 100 * kv / weights,
             boost::test_tools::tolerance(1e-12));
  // fp8: one byte per element plus one fp32 scale per token and KV head, for K and for V:
  // 4,096 tokens × 32 layers × 2 × 8 kv heads × (128 + 4) bytes.
  BOOST_TEST(k.at("kv_fp8_at_context").number == 4096.0 * 32 * 2 * 8 * (128 + 4));
  BOOST_TEST(k.at("tokens_per_weights").number == std::floor(weights / 131072));
  BOOST_TEST(contains(rendered("kv-cache", llama), "full attention 512 MiB"));
  // Gemma 3 27B at 32k: its KV split by kind sums to the plan's total.
  const Analysis gemma = analysis("gemma3-27b", 32768);
  const std::string listing = topic_variables("kv-cache", gemma).at("kv_by_kind").text;
  BOOST_TEST(listing.find("full attention") != std::string::npos, listing);
  BOOST_TEST(listing.find("sliding window") != std::string::npos, listing);

  // Early exit after half of Llama's 32 identical layers: the layers' decode FLOPs halve, the
  // head's (2 × 4,096 × 128,256 for the LM head, plus the final norm) stay.
  const Variables e = topic_variables("early-exit", llama);
  BOOST_TEST(e.at("exit_layer").number == 16);
  BOOST_TEST(e.at("flops_full").number == static_cast<double>(llama.flops.decode_per_token));
  const double head = e.at("head_flops").number;
  BOOST_TEST(head >= 2.0 * 4096 * 128256);
  BOOST_TEST(head < 2.0 * 4096 * 128256 + 1e6);
  BOOST_TEST(e.at("flops_exit").number == (e.at("flops_full").number - head) / 2 + head);
}

BOOST_AUTO_TEST_CASE(rope_norm_and_glu_numbers_from_the_model_cards) {
  // Llama 3 8B: RoPE θ 500,000 on all 128 dimensions, Llama 3 scaling (factor 8 from 8,192).
  const Analysis llama = analysis("llama3-8b");
  const Variables r = topic_variables("rope", llama);
  BOOST_TEST(r.at("theta").number == 500000);
  BOOST_TEST(r.at("rope_dims").number == 128);
  BOOST_TEST(r.at("n_rope").number == 32);
  // Llama 4 Scout: every fourth of its 48 layers has no positions (iRoPE).
  const Variables scout = topic_variables("rope", analysis("llama4-scout"));
  BOOST_TEST(scout.at("n_nope").number == 12);
  BOOST_TEST(scout.at("n_rope").number == 36);
  // DeepSeek-V3: MLA rotates only the 64 decoupled RoPE dimensions.
  const Variables ds = topic_variables("rope", analysis("deepseek-v3"));
  BOOST_TEST(ds.at("is_mla").truthy);
  BOOST_TEST(ds.at("rope_dims").number == 64);

  // Qwen3-8B: QK-norm is one RMSNorm weight of head_dim 128 for q and one for k in each of 36
  // layers.
  const Variables qwen = topic_variables("norms", analysis("qwen3-8b"));
  BOOST_TEST(qwen.at("has_qk_norm").truthy);
  BOOST_TEST(qwen.at("qk_norm_params").number == 36.0 * 2 * 128);
  BOOST_TEST(qwen.at("is_pre").truthy);
  BOOST_TEST(topic_variables("norms", analysis("gemma3-27b")).at("is_sandwich").truthy);
  // Llama 3 8B: 2 norms per layer and a final one, d_model 4,096 each.
  const Variables n = topic_variables("norms", llama);
  BOOST_TEST(n.at("norm_params").number == (2.0 * 32 + 1) * 4096);
  BOOST_TEST(n.at("norms_per_layer").number == 2);

  // SwiGLU 14,336 wide on d_model 4,096: ratio 3.5, three matrices, a plain FFN of the same size
  // would be 21,504 wide.
  const Variables g = topic_variables("glu", llama);
  BOOST_TEST(g.at("ffn_ratio").number == 3.5);
  BOOST_TEST(g.at("matrices").number == 3);
  BOOST_TEST(g.at("ungated_width").number == 21504);
  BOOST_TEST(g.at("dense_ffn_params").number == 32.0 * 3 * 4096 * 14336);
  BOOST_TEST(topic_variables("glu", analysis("gemma3-27b")).at("is_geglu").truthy);
}

BOOST_AUTO_TEST_CASE(flash_attention_speculative_and_batching_numbers) {
  // Llama 3 8B at 4,096 tokens: an unfused kernel would write 32 heads × 4,096² bf16 scores per
  // layer (1 GiB), written and read back in each of 32 layers.
  const Analysis llama = analysis("llama3-8b", 4096, true);
  const Variables f = topic_variables("flash-attention", llama);
  BOOST_TEST(f.at("scores_per_layer").number == 32.0 * 4096 * 4096 * 2);
  BOOST_TEST(f.at("softmax_layers").number == 32);
  BOOST_TEST(f.at("scores_traffic").number == 2 * 32 * 32.0 * 4096 * 4096 * 2);
  // Leviathan et al. 2023, eq. 1 with α = 0.7, γ = 4: (1 − 0.7⁵) / 0.3 tokens per verification.
  const Variables sp = topic_variables("speculative-decoding", llama);
  BOOST_TEST(sp.at("expected_tokens").number == (1 - std::pow(0.7, 5)) / 0.3,
             boost::test_tools::tolerance(1e-12));
  BOOST_TEST(sp.at("memory_bound").truthy);  // batch 1 decode on an H100
  // Batching: the KV held grows with the batch, 128 KiB × 4,096 tokens per sequence.
  const Variables b = topic_variables("batching", llama);
  BOOST_TEST(b.at("kv_b1").number == 131072.0 * 4096);
  BOOST_TEST(b.at("kv_b8").number == 8 * 131072.0 * 4096);
  BOOST_TEST(b.at("kv_b64").number == 64 * 131072.0 * 4096);
  BOOST_TEST(b.at("tps_b64").number > b.at("tps_b8").number);
  BOOST_TEST(b.at("tps_b8").number > b.at("tps_b1").number);
}

BOOST_AUTO_TEST_SUITE_END()
