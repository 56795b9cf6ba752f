// ForwardControl: the forward pass reports every layer it issues, in order, and a control that
// asks to stop ends the step before the next op is issued (so a Ctrl-C in a long prefill takes
// effect within one op, not at the end of the step). A fresh sequence then runs as if nothing
// had happened.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "parity_support.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

// Counts ops and layers; cancels once `stop_after_ops` ops were polled (0: never).
struct CountingControl final : ForwardControl {
  int64_t polls = 0;
  int64_t stop_after_ops = 0;
  std::vector<std::pair<int64_t, int64_t>> layers;  // (done, of)
  bool cancelled() override { return stop_after_ops > 0 && ++polls > stop_after_ops; }
  void layer_done(int64_t done, int64_t of) override { layers.emplace_back(done, of); }
};

// Counts the ops the observer saw begin.
struct OpCounter final : ForwardObserver {
  int64_t begun = 0, ended = 0;
  void before(Stream&, const OpEvent&) override { ++begun; }
  void after(Stream&, const OpEvent&) override { ++ended; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(forward_control)

BOOST_AUTO_TEST_CASE(layers_reported_in_order_and_cancel_stops_before_the_next_op) {
  const Fixture f = load_fixture("llama");
  cpu::CpuBackend be(1);
  const ModelWeights w = load_hf_weights(be, f.config, fixture_dir("llama"), Elem::F32);
  Model model(be, f.config, w);
  const std::vector<int32_t> prompt(f.tokens.begin(), f.tokens.begin() + 12);

  // A full step: one layer_done per layer, 1..n of n; the reference logits for later.
  CountingControl all;
  OpCounter ops;
  model.set_control(&all);
  model.set_observer(&ops);
  PagedKvCache cache(be, f.config, small_cache());
  const auto want =
      model.forward_host(cache, {{cache.add_sequence(), prompt}}, LogitRows::LastPerSequence);
  const int64_t n = f.config.n_layers;
  BOOST_TEST_REQUIRE(static_cast<int64_t>(all.layers.size()) == n);
  for (int64_t i = 0; i < n; ++i) {
    BOOST_TEST(all.layers[static_cast<size_t>(i)].first == i + 1);
    BOOST_TEST(all.layers[static_cast<size_t>(i)].second == n);
  }
  const int64_t ops_per_step = ops.begun;
  BOOST_TEST_REQUIRE(ops_per_step > 5);

  // Stop after 5 ops: exactly 5 ops issued (and ended), ForwardCancelled, no layer past the first.
  CountingControl stop;
  stop.stop_after_ops = 5;
  OpCounter few;
  model.set_control(&stop);
  model.set_observer(&few);
  PagedKvCache cache2(be, f.config, small_cache());
  const int64_t seq = cache2.add_sequence();
  BOOST_CHECK_THROW(model.forward(cache2, {{seq, prompt}}), ForwardCancelled);
  BOOST_TEST(few.begun == 5);
  BOOST_TEST(few.ended == 5);
  BOOST_TEST(stop.layers.size() <= 1u);

  // The abandoned sequence is freed; a new one gives the reference logits bit for bit.
  cache2.free_sequence(seq);
  model.set_control(nullptr);
  model.set_observer(nullptr);
  const auto again =
      model.forward_host(cache2, {{cache2.add_sequence(), prompt}}, LogitRows::LastPerSequence);
  BOOST_TEST(again == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
