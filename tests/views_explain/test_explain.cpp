// Explain texts: every topic renders for every preset with no hole, names its sources, and the
// numbers it shows are the plan's — checked against arithmetic from the model cards.
#include <boost/test/unit_test.hpp>
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

BOOST_AUTO_TEST_SUITE_END()
