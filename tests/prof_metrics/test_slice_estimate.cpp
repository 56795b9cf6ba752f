// The whole-model estimate of a layer slice (metrics/slice_estimate.hpp), against figures worked
// out by hand in the comments: a 6-layer model with classes A = {0, 1, 2, 3} and B = {4, 5}.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "common/error.hpp"
#include "metrics/slice_estimate.hpp"

using namespace archscope;
using namespace archscope::prof;
namespace tt = boost::test_tools;

namespace {

const std::vector<SliceClassInput> kClasses = {{"A", {0, 1, 2, 3}}, {"B", {4, 5}}};

SlicePhaseInput phase(int64_t units, int64_t tokens, int64_t measured_ns,
                      std::map<int32_t, int64_t> layers) {
  return {units, tokens, measured_ns, std::move(layers)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(slice_estimate)

BOOST_AUTO_TEST_CASE(one_layer_of_each_class) {
  // Prefill, 2 passes of 10 tokens, 10 ms in all: 5 ms per pass, of which layer 3 (A) 1 ms and
  // layer 4 (B) 1.5 ms; outside 2.5 ms. Whole model: 2.5 + 4 x 1 + 2 x 1.5 = 9.5 ms per pass,
  // 10 tokens / 9.5 ms = 1052.63 tokens/s.
  // Decode, 4 steps of 1 token, 8 ms: 2 ms per step, layer 3 0.3 ms, layer 4 0.5 ms, outside 1.2.
  // Whole model: 1.2 + 4 x 0.3 + 2 x 0.5 = 3.4 ms per step, 294.12 tokens/s.
  const SliceEstimate e =
      estimate_slice(3, 4, 6, kClasses, phase(2, 20, 10'000'000, {{3, 2'000'000}, {4, 3'000'000}}),
                     phase(4, 4, 8'000'000, {{3, 1'200'000}, {4, 2'000'000}}));
  BOOST_TEST(e.complete());
  BOOST_TEST(e.prefill.layers_timed);
  BOOST_TEST(e.prefill.measured_ms == 5.0, tt::tolerance(1e-12));
  BOOST_TEST(e.prefill.slice_layers_ms == 2.5, tt::tolerance(1e-12));
  BOOST_TEST(e.prefill.outside_layers_ms == 2.5, tt::tolerance(1e-12));
  BOOST_TEST(e.prefill.estimate_ms == 9.5, tt::tolerance(1e-12));
  BOOST_TEST(e.prefill.estimate_tokens_per_s == 10.0 / 9.5e-3, tt::tolerance(1e-12));
  BOOST_TEST(e.decode.estimate_ms == 3.4, tt::tolerance(1e-12));
  BOOST_TEST(e.decode.estimate_tokens_per_s == 1.0 / 3.4e-3, tt::tolerance(1e-12));
  BOOST_TEST_REQUIRE(e.classes.size() == 2u);
  BOOST_TEST(e.classes[0].layers_in_model == 4);
  BOOST_TEST(e.classes[0].measured_layers == std::vector<int64_t>{3});
  BOOST_TEST(e.classes[0].prefill_ms_per_layer == 1.0, tt::tolerance(1e-12));
  BOOST_TEST(e.classes[1].decode_ms_per_layer == 0.5, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(unrun_layers_take_their_class_fastest_slice_layer) {
  // Slice 2..4, one pass of 10 ms: layers 2 and 3 (A) 1 and 3 ms; layer 4 (B) 2 ms. The 2 A
  // layers outside the slice at A's fastest (1 ms), the 1 B layer at B's (2 ms):
  // 10 + 2 x 1 + 1 x 2 = 14 ms. The class-mean rule: outside 10 - 6 = 4, 4 + 4 x 2 + 2 x 2 = 16
  // (layer 3's 2 ms above layer 2 counted for every A layer).
  const SliceEstimate e = estimate_slice(
      2, 4, 6, kClasses, phase(1, 5, 10'000'000, {{2, 1'000'000}, {3, 3'000'000}, {4, 2'000'000}}),
      phase(0, 0, 0, {}));
  BOOST_TEST(e.prefill.estimate_ms == 14.0, tt::tolerance(1e-12));
  BOOST_TEST(e.prefill.estimate_mean_ms == 16.0, tt::tolerance(1e-12));
  BOOST_TEST(e.classes[0].prefill_ms_per_layer == 1.0, tt::tolerance(1e-12));
  BOOST_TEST(e.classes[0].prefill_mean_ms_per_layer == 2.0, tt::tolerance(1e-12));
  BOOST_TEST(e.decode.units == 0);
  BOOST_TEST(e.decode.estimate_ms == 0.0);
}

BOOST_AUTO_TEST_CASE(a_missing_class_gives_no_figure) {
  const SliceEstimate e =
      estimate_slice(2, 3, 6, kClasses, phase(1, 5, 10'000'000, {{2, 1'000'000}, {3, 1'000'000}}),
                     phase(2, 2, 4'000'000, {{2, 100'000}, {3, 100'000}}));
  BOOST_TEST(!e.complete());
  BOOST_TEST(e.missing == std::vector<std::string>{"B"});
  BOOST_TEST(e.prefill.estimate_ms == 0.0);
  BOOST_TEST(e.decode.estimate_ms == 0.0);
  BOOST_TEST(e.prefill.measured_ms == 10.0, tt::tolerance(1e-12));  // the measured figures stay
  BOOST_TEST(e.classes[1].measured_layers.empty());
}

BOOST_AUTO_TEST_CASE(untimed_layers_give_no_figure) {
  const SliceEstimate e = estimate_slice(
      3, 4, 6, kClasses, phase(1, 5, 10'000'000, {{3, 1'000'000}}), phase(1, 1, 1'000'000, {}));
  BOOST_TEST(e.complete());
  BOOST_TEST(!e.prefill.layers_timed);
  BOOST_TEST(e.prefill.estimate_ms == 0.0);
  BOOST_TEST(!e.decode.layers_timed);
}

BOOST_AUTO_TEST_CASE(inconsistent_classes_are_internal_errors) {
  BOOST_CHECK_THROW(estimate_slice(0, 1, 6, {{"A", {0}}, {"B", {0, 1}}}, {}, {}),
                    Error);                                                 // overlap
  BOOST_CHECK_THROW(estimate_slice(0, 1, 6, {{"A", {0}}}, {}, {}), Error);  // layer 1 has none
}

BOOST_AUTO_TEST_CASE(layer_times_run_from_first_op_to_first_op) {
  // Prologue at 0, layer 3 at 100, layer 4 at 250, epilogue (layer 6) at 400.
  const auto t = layer_times_from_starts({{-1, 0}, {3, 100}, {4, 250}, {6, 400}}, 3, 4);
  BOOST_TEST((t == std::map<int32_t, int64_t>{{3, 150}, {4, 150}}));
  // No epilogue recorded: the last layer has no end.
  BOOST_TEST((layer_times_from_starts({{-1, 0}, {3, 100}, {4, 250}}, 3, 4) ==
              std::map<int32_t, int64_t>{{3, 150}}));
}

BOOST_AUTO_TEST_CASE(phase_inputs_from_records) {
  // One pass: a prefill in two chunks (steps 0, 1), two decode steps (2, 3); slice 3..4 of 6.
  auto step = [](int64_t n, Phase p, int64_t tokens, int64_t dur) {
    StepRecord s;
    s.step = n;
    s.phase = p;
    s.tokens = tokens;
    s.duration_ns = dur;
    return s;
  };
  auto span = [](int64_t st, int32_t layer, int64_t start, int64_t dur) {
    SpanRecord s;
    s.step = st;
    s.layer = layer;
    s.op = "x";
    s.start_ns = start;
    s.duration_ns = dur;
    return s;
  };
  const std::vector<StepRecord> steps = {
      step(0, Phase::Prefill, 8, 1000), step(1, Phase::Prefill, 8, 1100),
      step(2, Phase::Decode, 1, 300), step(3, Phase::Decode, 1, 320)};
  std::vector<SpanRecord> spans;
  for (int64_t s = 0; s < 4; ++s) {
    const int64_t base = 10000 * s;
    // Layer 3's two ops at +10 and +40; layer 4 at +100; epilogue at +180; `other` ignored.
    spans.push_back(span(s, -1, base, 5));
    spans.push_back(span(s, 3, base + 40, 20));  // stored out of order: the minimum start counts
    spans.push_back(span(s, 3, base + 10, 20));
    spans.push_back(span(s, 4, base + 100 + s, 20));
    spans.push_back(span(s, 6, base + 180, 20));
    SpanRecord other = span(s, kStepLayer, base, 1);
    other.op = kOtherOp;
    spans.push_back(other);
  }
  SlicePhaseInput p, d;
  slice_phase_inputs(steps, spans, 3, 4, 6, p, d);
  BOOST_TEST(p.units == 1);  // one pass
  BOOST_TEST(p.tokens == 16);
  BOOST_TEST(p.measured_ns == 2100);
  // Layer 3: (100 + s) - 10 per step; layer 4: 180 - (100 + s).
  BOOST_TEST((p.layer_ns == std::map<int32_t, int64_t>{{3, 90 + 91}, {4, 80 + 79}}));
  BOOST_TEST(d.units == 2);
  BOOST_TEST(d.measured_ns == 620);
  BOOST_TEST((d.layer_ns == std::map<int32_t, int64_t>{{3, 92 + 93}, {4, 78 + 77}}));
}

BOOST_AUTO_TEST_CASE(layer_times_from_the_traced_steps_only) {
  // Decode, 4 steps of 2 ms (8 ms), layers timed in 2 of them (a sampled CUPTI run): layer 3
  // 0.6 ms and layer 4 1.0 ms over those 2, i.e. 0.3 and 0.5 ms per step; outside 2 - 0.8 = 1.2;
  // whole model 1.2 + 4 x 0.3 + 2 x 0.5 = 3.4 ms per step, as with all 4 steps timed.
  SlicePhaseInput d = phase(4, 4, 8'000'000, {{3, 600'000}, {4, 1'000'000}});
  d.layer_units = 2;
  const SliceEstimate e = estimate_slice(3, 4, 6, kClasses, phase(0, 0, 0, {}), d);
  BOOST_TEST(e.decode.slice_layers_ms == 0.8, tt::tolerance(1e-12));
  BOOST_TEST(e.decode.estimate_ms == 3.4, tt::tolerance(1e-12));
  BOOST_TEST(e.classes[0].decode_ms_per_layer == 0.3, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(an_untraced_step_has_no_layer_times) {
  auto step = [](int64_t n, Phase ph, int64_t dur) {
    StepRecord s;
    s.step = n;
    s.phase = ph;
    s.tokens = 1;
    s.duration_ns = dur;
    return s;
  };
  auto span = [](int64_t st, int32_t layer, int64_t start) {
    SpanRecord s;
    s.step = st;
    s.layer = layer;
    s.op = "x";
    s.start_ns = start;
    s.duration_ns = 10;
    return s;
  };
  const std::vector<StepRecord> steps = {step(0, Phase::Prefill, 500), step(1, Phase::Decode, 100),
                                         step(2, Phase::Decode, 90), step(3, Phase::Decode, 110)};
  std::vector<SpanRecord> spans;
  for (int64_t s : {0, 1, 3})  // step 2 untraced
    for (int32_t layer : {-1, 3, 4, 6})
      spans.push_back(span(s, layer, 1000 * s + 20 * (layer + 1)));
  SlicePhaseInput p, d;
  slice_phase_inputs(steps, spans, 3, 4, 6, p, d);
  BOOST_TEST(d.units == 3);
  BOOST_TEST(d.layer_units == 2);
  BOOST_TEST(d.measured_ns == 300);
  BOOST_TEST((d.layer_ns == std::map<int32_t, int64_t>{{3, 2 * 20}, {4, 2 * 40}}));
  BOOST_TEST(p.layer_units == 1);
}

BOOST_AUTO_TEST_SUITE_END()
