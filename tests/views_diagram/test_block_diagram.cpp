// Block diagrams: runs collapse as the model cards describe the models, repeat groups fold, and
// every block's figures sum to the analysis' (and so to `archscope analyze --json`).
#include <boost/test/unit_test.hpp>

#include "diagram/block_diagram.hpp"
#include "diagram/diagram_diff.hpp"
#include "diagram/diagram_layout.hpp"
#include "diagram/diagram_svg.hpp"
#include "presets/preset_catalog.hpp"
#include "views_charts/xml_check.hpp"

using namespace archscope;
using namespace archscope::diagram;

namespace {

Analysis analysis(const char* preset, int64_t context = 4096) {
  AnalysisOptions o;
  o.context = context;
  return summarize(load_preset(preset, ARCHSCOPE_PRESETS), o);
}

bool has_line(const Block& b, const std::string& key, const std::string& part) {
  for (const Line& l : b.lines)
    if (l.key == key && l.text.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(block_diagram)

BOOST_AUTO_TEST_CASE(deepseek_v3_is_three_dense_then_58_moe_layers) {
  // DeepSeek-V3 (config.json): first_k_dense_replace 3 of 61 layers, 256 routed experts, top-8,
  // one shared expert, MLA with kv_lora_rank 512.
  const BlockDiagram d = build_diagram(analysis("deepseek-v3"));
  BOOST_REQUIRE(d.stack.size() == 2u);
  const Block& dense = d.stack[0].blocks.at(0);
  const Block& moe = d.stack[1].blocks.at(0);
  BOOST_TEST(dense.title == "×3 MLA dense layers");
  BOOST_TEST(dense.layer_range == "L0–L2");
  BOOST_TEST(moe.title == "×58 MLA MoE layers");
  BOOST_TEST(moe.layer_range == "L3–L60");
  BOOST_TEST(has_line(moe, "ffn", "256 experts, top-8"));
  BOOST_TEST(has_line(moe, "ffn", "+1 shared"));
  BOOST_TEST(has_line(moe, "attention", "KV latent 512 + RoPE key 64"));
}

BOOST_AUTO_TEST_CASE(gemma3_folds_five_sliding_and_one_global_into_a_group) {
  // Gemma 3 27B: 62 layers, sliding_window_pattern 6 (5 local : 1 global) -> 10 repeats + 2.
  const BlockDiagram d = build_diagram(analysis("gemma3-27b"));
  BOOST_REQUIRE(d.stack.size() == 2u);
  BOOST_TEST(d.stack[0].repeat == 10);
  BOOST_TEST(d.stack[0].layer_count == 60);
  BOOST_REQUIRE(d.stack[0].blocks.size() == 2u);
  BOOST_TEST(d.stack[0].blocks[0].count == 5);
  BOOST_TEST(has_line(d.stack[0].blocks[0], "attention", "sliding window 1,024"));
  BOOST_TEST(d.stack[0].blocks[1].count == 1);
  BOOST_TEST(has_line(d.stack[0].blocks[1], "position", "RoPE θ 1M"));
  BOOST_TEST(has_line(d.stack[0].blocks[0], "position", "RoPE θ 10k"));
  BOOST_TEST(d.stack[1].repeat == 1);
  BOOST_TEST(d.stack[1].blocks[0].title == "×2 sliding-window dense layers");
}

BOOST_AUTO_TEST_CASE(figures_sum_to_the_analysis) {
  for (const char* name : {"deepseek-v3", "gemma3-27b", "llama4-maverick", "qwen3-next-80b-a3b",
                           "gpt-oss-120b", "gpt2-small"}) {
    const Analysis a = analysis(name, 8192);
    const BlockDiagram d = build_diagram(a);
    BOOST_TEST(d.total.params == a.params.total, name);
    BOOST_TEST(d.total.params_active == a.params.active, name);
    BOOST_TEST(d.total.kv_bytes_held == a.kv.bytes_at_context, name);
    BOOST_TEST(d.total.decode_flops == a.flops.decode_step, name);
    BOOST_TEST(d.total.prefill_flops == a.flops.prefill_total, name);
    int64_t layers = 0;
    for (const StackItem& item : d.stack) layers += item.layer_count;
    BOOST_TEST(layers == a.config->n_layers, name);
    // Each block's per-layer figures are those of every layer in its run, as analyze --json has
    // them.
    const nlohmann::json j = analysis_to_json(a);
    for (const StackItem& item : d.stack) {
      int64_t first = item.first_layer;
      for (int64_t r = 0; r < item.repeat; ++r)
        for (const Block& b : item.blocks) {
          for (int64_t i = 0; i < b.count; ++i) {
            const auto& layer = j["layers"][static_cast<size_t>(first + i)];
            BOOST_TEST(layer["decode"]["params"].get<uint64_t>() == b.per_layer.params);
            BOOST_TEST(layer["prefill"]["kv_bytes_held"].get<uint64_t>() ==
                       b.per_layer.kv_bytes_held);
          }
          first += b.count;
        }
    }
  }
}

BOOST_AUTO_TEST_CASE(every_preset_draws_well_formed_svg) {
  for (const std::string& name : preset_names(ARCHSCOPE_PRESETS)) {
    const BlockDiagram d = build_diagram(analysis(name.c_str()));
    const DiagramLayout l = layout_diagram(d);
    const auto doc = xml_check::parse(diagrams_svg({l}, name));
    BOOST_TEST(doc.ok, name + ": " + doc.error);
    size_t blocks = 2;  // embedding and head
    for (const StackItem& item : d.stack) blocks += item.blocks.size();
    BOOST_TEST(doc.count("rect", "block") == blocks, name);
    BOOST_TEST(l.height > 100);
  }
}

BOOST_AUTO_TEST_CASE(diff_marks_what_differs_from_the_reference) {
  // DeepSeek-V3 against itself with 128 routed experts: the MoE run stays (×58 from L3), its FFN
  // line changes, nothing else does.
  const Analysis base = analysis("deepseek-v3");
  ModelConfig fewer = *base.config;
  fewer.moe.experts = 128;
  const std::vector<BlockDiagram> d = {build_diagram(base),
                                       build_diagram(summarize(fewer, base.options))};
  const auto changed = diff_diagrams(d);
  BOOST_TEST(changed[1].count(line_id(block_id(1, 0), "ffn")) == 1u);
  BOOST_TEST(changed[1].count(line_id(block_id(1, 0), "attention")) == 0u);
  BOOST_TEST(changed[1].count(block_id(1, 0)) == 0u);
  BOOST_TEST(changed[1].size() == 1u);
  BOOST_TEST(changed[0].count(line_id(block_id(1, 0), "ffn")) == 1u);
  // Kimi K2 keeps one dense layer (first_k_dense_replace 1) and has 64 heads: both runs change.
  const auto kimi = diff_diagrams({d[0], build_diagram(analysis("kimi-k2"))});
  BOOST_TEST(kimi[1].count(block_id(0, 0)) == 1u);  // ×1 instead of ×3 dense
  BOOST_TEST(kimi[1].count(block_id(1, 0)) == 1u);  // ×60 instead of ×58 MoE
  BOOST_TEST(kimi[1].count(line_id(block_id(1, 0), "attention")) == 1u);  // 64 heads
  const DiagramLayout l = layout_diagram(d[1], changed[1]);
  const auto doc = xml_check::parse(diagrams_svg({l}, "fewer experts"));
  BOOST_TEST(doc.ok);
  BOOST_TEST(doc.count("rect", "changed") == 0u);
  // A model against itself: nothing changed.
  const auto same = diff_diagrams({d[0], d[0]});
  BOOST_TEST(same[0].empty());
  BOOST_TEST(same[1].empty());
  // A stack with fewer items: the other's extra block is changed as a whole.
  const auto depth =
      diff_diagrams({build_diagram(analysis("deepseek-v3")), build_diagram(analysis("llama3-8b"))});
  BOOST_TEST(depth[0].count(block_id(1, 0)) == 1u);
}

BOOST_AUTO_TEST_CASE(field_diff_lists_every_field_once) {
  const ModelConfig a = load_preset("llama3-8b", ARCHSCOPE_PRESETS),
                    b = load_preset("qwen3-8b", ARCHSCOPE_PRESETS);
  const auto rows = diff_fields({&a, &b, &a});
  bool kv_heads = false, moe_absent = true;
  for (const FieldRow& r : rows) {
    BOOST_TEST(r.values.size() == 3u);
    if (r.path == "attention.kv_heads") {
      kv_heads = true;
      BOOST_TEST(!r.differs);  // both 8
    }
    if (r.path == "n_layers")
      BOOST_TEST((r.differs && r.values[0] == "32" && r.values[1] == "36" && r.values[2] == "32"));
    if (r.path.rfind("moe.", 0) == 0) moe_absent = false;
  }
  BOOST_TEST(kv_heads);
  BOOST_TEST(moe_absent);  // dense models write no moe block
}

BOOST_AUTO_TEST_SUITE_END()
