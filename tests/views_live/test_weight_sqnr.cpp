// The weight-SQNR fold (views/live/weight_sqnr.hpp) from canned WeightsQuantized records: every
// figure is worked out by hand from the sums below.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "live/live_state.hpp"
#include "live/weight_sqnr.hpp"

using namespace archscope;
using namespace archscope::views::live;
namespace tt = boost::test_tools;

namespace {
prof::WeightsQuantized canned() {
  prof::WeightsQuantized q;
  q.scheme = "q8_0";
  q.bits_per_weight = 8.5;
  // Layer 0: 100/1 (20 dB) and 300/0.01 (44.77 dB): the layer is 400/1.01 = 25.977 dB, not the
  // mean of the two dBs (32.39).
  q.tensors.push_back({"layers.0.self_attn.q_proj.weight", 0, 64, 100.0, 1.0, 544});
  q.tensors.push_back({"layers.0.mlp.down_proj.weight", 0, 192, 300.0, 0.01, 1632});
  // Layer 1: one tensor, 50/0.5 = 20 dB. Layer 3 (no layer 2): 10/0.001 = 40 dB.
  q.tensors.push_back({"layers.1.self_attn.o_proj.weight", 1, 32, 50.0, 0.5, 272});
  q.tensors.push_back({"layers.3.mlp.up_proj.weight", 3, 32, 10.0, 0.001, 272});
  // Outside the layers: counted in the model's tensors, not drawn.
  q.tensors.push_back({"lm_head.weight", -1, 32, 1.0, 1.0, 272});
  return q;
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_layer_sqnr_combines_the_sums_of_its_tensors) {
  const WeightSqnrView v = weight_sqnr(canned());
  BOOST_TEST(v.scheme == "q8_0");
  BOOST_TEST(v.bits_per_weight == 8.5);
  BOOST_TEST(v.tensors == 5);
  BOOST_REQUIRE_EQUAL(v.layers.size(), 3u);
  const LayerSqnr& l0 = v.layers[0];
  BOOST_TEST(l0.layer == 0);
  BOOST_TEST(l0.tensors == 2);
  BOOST_TEST(l0.elements == 256);
  BOOST_TEST(l0.signal == 400.0);
  BOOST_TEST(l0.noise == 1.01);
  // 10·log10(400 / 1.01) = 10·(2.60206 − 0.0043214) = 25.97739 dB.
  BOOST_TEST(l0.sqnr_db == 25.97739, tt::tolerance(1e-5));
  BOOST_TEST(std::abs(l0.sqnr_db - (20.0 + 44.771213) / 2) > 6.0);  // not the mean of dBs
  BOOST_TEST(l0.worst_tensor == "layers.0.self_attn.q_proj.weight");
  BOOST_TEST(l0.worst_sqnr_db == 20.0, tt::tolerance(1e-12));
  BOOST_TEST(v.layers[1].layer == 1);
  BOOST_TEST(v.layers[1].sqnr_db == 20.0, tt::tolerance(1e-12));
  BOOST_TEST(v.layers[2].layer == 3);
  BOOST_TEST(v.layers[2].sqnr_db == 40.0, tt::tolerance(1e-12));
  BOOST_TEST(v.min_db == 20.0, tt::tolerance(1e-12));
  BOOST_TEST(v.max_db == 40.0, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(exact_and_all_zero_tensors_are_inf_and_nan_not_worst) {
  prof::WeightsQuantized q;
  q.scheme = "int8-channel";
  q.tensors.push_back({"layers.0.a.weight", 0, 4, 2.0, 0.0, 40});  // exact: +inf
  q.tensors.push_back({"layers.0.b.weight", 0, 4, 0.0, 0.0, 40});  // all zero: NaN
  q.tensors.push_back({"layers.1.b.weight", 1, 4, 0.0, 0.0, 40});
  const WeightSqnrView v = weight_sqnr(q);
  BOOST_REQUIRE_EQUAL(v.layers.size(), 2u);
  BOOST_TEST(std::isinf(v.layers[0].sqnr_db));
  BOOST_TEST(v.layers[0].worst_tensor == "layers.0.a.weight");
  BOOST_TEST(std::isnan(v.layers[1].sqnr_db));
  BOOST_TEST(v.layers[1].worst_tensor.empty());
  BOOST_TEST(v.min_db == 0.0);  // no finite layer
  BOOST_TEST(v.max_db == 0.0);
}

BOOST_AUTO_TEST_CASE(the_live_fold_keeps_the_event_and_a_run_without_it_has_none) {
  LiveFold fold;
  prof::RunStarted st;
  st.run.config_json = R"({"format":"archscope.model/1","n_layers":4})";
  fold.apply(st);
  BOOST_TEST(!fold.state().weights_quant.has_value());
  fold.apply(canned());
  BOOST_REQUIRE(fold.state().weights_quant.has_value());
  BOOST_TEST(fold.state().weights_quant->tensors.size() == 5u);
  BOOST_TEST(std::string(prof::event_name(prof::Event{canned()})) == "weights_quantized");
}
