// bench's plan figures for a layer slice (generate/bench_model.hpp): a slice of every layer is
// the whole model (its KV through the other path, kv_bytes_at_context), and on a model of
// identical layers each layer adds the same bytes.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "generate/bench_model.hpp"
#include "presets/preset_catalog.hpp"

using namespace archscope;

BOOST_AUTO_TEST_SUITE(bench_slice_plan)

BOOST_AUTO_TEST_CASE(a_slice_of_every_layer_is_the_whole_model) {
  for (const char* name : {"gemma3-mini", "deepseek-v3-mini", "qwen3-next-mini"}) {
    const ModelConfig c = load_preset(name, ARCHSCOPE_PRESETS);
    BenchShape s;
    s.prompt = 40;  // past gemma3-mini's 16-token window
    s.new_tokens = 6;
    s.batch = 2;
    const BenchModel whole = bench_model(c, s),
                     all = bench_model(c, s, LayerRange{0, c.n_layers - 1});
    BOOST_TEST(all.weights_bytes == whole.weights_bytes, name);
    BOOST_TEST(all.kv_bytes == whole.kv_bytes, name);
    BOOST_TEST(all.prefill_flops == whole.prefill_flops, name);
    BOOST_TEST(all.decode_bytes_read_per_step == whole.decode_bytes_read_per_step, name);
  }
}

BOOST_AUTO_TEST_CASE(identical_layers_add_identical_bytes) {
  const ModelConfig c = load_preset("llama3-mini", ARCHSCOPE_PRESETS);  // 4 identical layers
  BenchShape s;
  s.prompt = 12;
  s.new_tokens = 3;
  const BenchModel one = bench_model(c, s, LayerRange{2, 2}),
                   two = bench_model(c, s, LayerRange{1, 2});
  const BenchModel whole = bench_model(c, s);
  const uint64_t layer = two.weights_bytes - one.weights_bytes;
  BOOST_TEST(layer > 0u);
  BOOST_TEST(whole.weights_bytes == one.weights_bytes + 3 * layer);
  const uint64_t kv_layer = two.kv_bytes - one.kv_bytes;
  BOOST_TEST(kv_layer > 0u);
  BOOST_TEST(whole.kv_bytes == 4 * kv_layer);  // only layers hold KV
}

BOOST_AUTO_TEST_SUITE_END()
