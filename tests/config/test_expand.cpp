#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "config_test_util.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

ModelConfig moe_base(int64_t n_layers) {
  ModelConfig c = small_dense();
  c.n_layers = n_layers;
  c.moe.experts = 16;
  c.moe.top_k = 2;
  c.moe.expert_d_ff = 32;
  return c;
}

std::vector<int64_t> moe_layers(const ModelConfig& c) {
  std::vector<int64_t> out;
  for (const LayerSpec& l : expand_layers(c)) {
    BOOST_TEST(l.moe == is_moe_layer(c, l.index));
    if (l.moe) out.push_back(l.index);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(config_expand)

BOOST_AUTO_TEST_CASE(deepseek_first_dense) {
  ModelConfig c = moe_base(8);
  c.moe.first_dense = 3;
  BOOST_TEST(moe_layers(c) == (std::vector<int64_t>{3, 4, 5, 6, 7}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(llama4_interleave) {
  ModelConfig c = moe_base(8);
  c.moe.interleave = 2;
  BOOST_TEST(moe_layers(c) == (std::vector<int64_t>{1, 3, 5, 7}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(qwen3_dense_layers) {
  ModelConfig c = moe_base(6);
  c.moe.dense_layers = {0, 4};
  BOOST_TEST(moe_layers(c) == (std::vector<int64_t>{1, 2, 3, 5}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rules_combine) {
  ModelConfig c = moe_base(10);
  c.moe.first_dense = 2;
  c.moe.interleave = 2;
  c.moe.dense_layers = {5};
  BOOST_TEST(moe_layers(c) == (std::vector<int64_t>{3, 7, 9}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(dense_model_has_no_moe_layer) {
  const ModelConfig c = small_dense();
  BOOST_TEST(moe_layers(c).empty());
  BOOST_TEST(!is_moe_layer(c, 0));
}

BOOST_AUTO_TEST_CASE(is_moe_layer_tolerates_invalid_input) {
  ModelConfig c = moe_base(4);
  c.moe.interleave = 0;  // would divide by zero
  BOOST_TEST(!is_moe_layer(c, 1));
  BOOST_TEST(!is_moe_layer(moe_base(4), -1));
}

BOOST_AUTO_TEST_CASE(llama4_nope_layers_and_qk_norm) {
  // Llama 4: chunked RoPE layers with L2 qk-norm, every 4th layer global NoPE without it.
  ModelConfig c = small_dense();
  c.n_layers = 8;
  c.attention.pattern = {AttentionKind::Chunked, AttentionKind::Chunked, AttentionKind::Chunked,
                         AttentionKind::Full};
  c.attention.chunk_size = 8192;
  c.attention.qk_norm = QkNormKind::L2;
  c.attention.qk_norm_rope_layers_only = true;
  c.position.pattern = {PositionKind::Rope, PositionKind::Rope, PositionKind::Rope,
                        PositionKind::NoPe};
  const auto layers = expand_layers(c);
  BOOST_REQUIRE(layers.size() == 8u);
  for (const LayerSpec& l : layers) {
    const bool global = l.index % 4 == 3;
    BOOST_TEST_CONTEXT("layer " << l.index) {
      BOOST_TEST((l.attention == (global ? AttentionKind::Full : AttentionKind::Chunked)));
      BOOST_TEST((l.position == (global ? PositionKind::NoPe : PositionKind::Rope)));
      BOOST_TEST(l.window == (global ? 0 : 8192));
      BOOST_TEST(l.qk_norm == !global);
      BOOST_TEST(l.rope == (global ? nullptr : &c.position.rope));
    }
  }
  c.attention.qk_norm_rope_layers_only = false;
  for (const LayerSpec& l : expand_layers(c)) BOOST_TEST(l.qk_norm);
  c.attention.qk_norm = QkNormKind::None;
  for (const LayerSpec& l : expand_layers(c)) BOOST_TEST(!l.qk_norm);
}

BOOST_AUTO_TEST_CASE(mla_and_linear_layers_use_the_global_rope) {
  const ModelConfig c = rich();
  const auto layers = expand_layers(c);
  BOOST_REQUIRE(layers.size() == 12u);
  // Pattern: sliding sliding chunked mla linear full, positions rope rope nope.
  BOOST_TEST(layers[0].rope == &*c.position.rope_local);
  BOOST_TEST(layers[0].window == 4096);
  BOOST_TEST(layers[2].rope == nullptr);
  BOOST_TEST(layers[2].window == 8192);
  BOOST_TEST(layers[3].rope == &c.position.rope);
  BOOST_TEST(layers[3].window == 0);
  BOOST_TEST(layers[4].rope == &c.position.rope);
}

BOOST_AUTO_TEST_SUITE_END()
