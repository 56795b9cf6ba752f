// Layer classes (plan/layer_classes.hpp) of the 2025 presets against their published configs:
// DeepSeek-V3 config.json has num_hidden_layers 61 and first_k_dense_replace 3 (3 dense layers, 58
// MoE); Kimi K2 config.json num_hidden_layers 61, first_k_dense_replace 1; Gemma 3 27B config.json
// num_hidden_layers 62, sliding_window 1024, sliding_window_pattern 6 (every 6th layer global:
// 5, 11, ..., 59, so 10 global and 52 sliding). Also the slice sums (plan/slice_totals.hpp).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "common/error.hpp"
#include "config/layer_range.hpp"
#include "plan/layer_classes.hpp"
#include "plan/slice_totals.hpp"
#include "presets/preset_catalog.hpp"

using namespace archscope;

namespace {

ModelConfig preset(const char* name) {
  return load_preset(name, ARCHSCOPE_PRESETS);
}

RunShape shape(int64_t prompt, int64_t new_tokens) {
  RunShape s;
  s.prompt = prompt;
  s.new_tokens = new_tokens;
  return s;
}

std::vector<int64_t> range(int64_t a, int64_t b) {
  std::vector<int64_t> v;
  for (int64_t i = a; i <= b; ++i) v.push_back(i);
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(layer_classes_of_presets)

BOOST_AUTO_TEST_CASE(deepseek_v3_has_3_dense_and_58_moe_layers) {
  const auto classes = layer_classes(preset("deepseek-v3"), shape(64, 8));
  BOOST_TEST_REQUIRE(classes.size() == 2u);
  BOOST_TEST(classes[0].layers == range(0, 2));
  BOOST_TEST(classes[0].label == "MLA attention, dense FFN");
  BOOST_TEST(classes[1].layers == range(3, 60));
  BOOST_TEST(classes[1].count() == 58);
  BOOST_TEST(classes[1].label == "MLA attention, MoE FFN");
}

BOOST_AUTO_TEST_CASE(kimi_k2_has_1_dense_and_60_moe_layers) {
  const auto classes = layer_classes(preset("kimi-k2"), shape(64, 8));
  BOOST_TEST_REQUIRE(classes.size() == 2u);
  BOOST_TEST(classes[0].count() == 1);
  BOOST_TEST(classes[1].count() == 60);
}

BOOST_AUTO_TEST_CASE(gemma3_27b_has_52_sliding_and_10_global_layers) {
  for (int64_t prompt : {100, 3000}) {  // below and beyond the 1024 window: the same classes
    const auto classes = layer_classes(preset("gemma3-27b"), shape(prompt, 4));
    BOOST_TEST_REQUIRE(classes.size() == 2u);
    BOOST_TEST(classes[0].label == "sliding attention (window 1024), dense FFN");
    BOOST_TEST(classes[0].count() == 52);
    BOOST_TEST(classes[1].label == "full attention, dense FFN");
    std::vector<int64_t> global;
    for (int64_t i = 5; i < 62; i += 6) global.push_back(i);
    BOOST_TEST(classes[1].layers == global);
  }
}

BOOST_AUTO_TEST_CASE(dense_llama_is_one_class) {
  const auto classes = layer_classes(preset("llama3-8b"), shape(16, 4));
  BOOST_TEST_REQUIRE(classes.size() == 1u);
  BOOST_TEST(classes[0].count() == 32);
}

// The op signature splits layers a spec alone would not: a layer whose ops differ in any cost is
// its own class (here one FFN wider than the others through an explicit per-layer pattern is not
// expressible, so check the other way: two plans that disagree put layers apart).
BOOST_AUTO_TEST_CASE(classes_follow_the_plans_ops) {
  const ModelConfig c = preset("llama3-mini");
  PlanOptions o;
  o.phase = Phase::Decode;
  o.context = 10;
  Plan a = build_plan(c, o);
  BOOST_TEST(layer_classes({&a}).size() == 1u);
  a.layers[2].ops[0].bytes_read += 1;  // one op of layer 2 reads one byte more
  const auto classes = layer_classes({&a});
  BOOST_TEST_REQUIRE(classes.size() == 2u);
  BOOST_TEST(classes[1].layers == std::vector<int64_t>{2});
  BOOST_TEST(classes[1].label == "full attention, dense FFN #2");
}

BOOST_AUTO_TEST_CASE(slice_totals_are_prologue_slice_layers_and_epilogue) {
  const ModelConfig c = preset("deepseek-v3-mini");
  PlanOptions o;
  o.phase = Phase::Prefill;
  o.tokens = 5;
  const Plan p = build_plan(c, o);
  const LayerRange r{1, 2};
  uint64_t bytes = 0, params = 0;
  auto add = [&](const std::vector<Op>& ops) {
    for (const Op& op : ops) {
      bytes += op.param_bytes;
      params += op.params;
    }
  };
  add(p.prologue);
  add(p.layers[1].ops);
  add(p.layers[2].ops);
  add(p.epilogue);
  BOOST_TEST(slice_totals(p, r).param_bytes == bytes);
  BOOST_TEST(slice_totals(p, r).params == params);
  BOOST_TEST(slice_totals(p, std::nullopt).param_bytes == totals(p).param_bytes);
}

BOOST_AUTO_TEST_CASE(layer_ranges_parse_inclusive_and_refuse_bad_ones) {
  const ModelConfig c = preset("llama3-mini");  // 4 layers
  BOOST_TEST((parse_layer_range("0:1", c) == LayerRange{0, 1}));
  BOOST_TEST((parse_layer_range("3", c) == LayerRange{3, 3}));
  BOOST_TEST(parse_layer_range("1:3", c).count() == 3);
  for (const char* bad : {"", "x", "1:", ":2", "1:2:3", "2:1", "0:4", "4", "-1:2", "1-2", " 1:2"}) {
    try {
      parse_layer_range(bad, c);
      BOOST_FAIL("accepted '" << bad << "'");
    } catch (const Error& e) {
      BOOST_TEST((e.kind() == ErrorKind::Validation));
      BOOST_TEST(e.where() == "--layers");
    }
  }
  try {
    parse_layer_range("0:4", c);
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.message()).find("has layers 0..3") != std::string::npos);
  }
  BOOST_TEST(to_string(LayerRange{3, 4}) == "3..4");
  BOOST_TEST(to_string(LayerRange{2, 2}) == "2");
}

BOOST_AUTO_TEST_SUITE_END()
