// The models behind the studio's live views, from canned event sequences: the expert-load
// heatmap and its imbalance figures, the op timeline and its view window, the live roofline and
// the per-layer and per-step series. Every expected figure is worked out by hand in the comments
// from the definitions (profiler/metrics/expert_load.hpp, the roofline's min(peak, I × bw)), not
// taken from an earlier run.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "live/expert_heatmap.hpp"
#include "live/live_state.hpp"
#include "live/op_timeline.hpp"
#include "live/roofline_points.hpp"
#include "live/run_series.hpp"

using namespace archscope;
using namespace archscope::views::live;
namespace tt = boost::test_tools;

namespace {

prof::ExpertCounts counts(int64_t step,
                          std::vector<std::pair<int32_t, std::vector<int64_t>>> rows) {
  prof::ExpertCounts x;
  for (auto& [layer, v] : rows) x.counts.push_back({step, layer, std::move(v)});
  return x;
}

prof::SpanRecord span(int64_t step, int32_t layer, const char* op, const char* kind, int64_t start,
                      int64_t ns, uint64_t flops = 0, uint64_t bytes = 0,
                      prof::Phase phase = prof::Phase::Decode) {
  prof::SpanRecord s;
  s.step = step;
  s.phase = phase;
  s.layer = layer;
  s.op = op;
  s.kind = kind;
  s.start_ns = start;
  s.duration_ns = ns;
  s.flops = flops;
  s.bytes = bytes;
  return s;
}

prof::StepFinished finished(int64_t step, prof::Phase phase, int64_t start, int64_t ns,
                            int64_t tokens = 1) {
  prof::StepRecord r;
  r.step = step;
  r.phase = phase;
  r.start_ns = start;
  r.duration_ns = ns;
  r.tokens = tokens;
  return {r};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(live_views)

BOOST_AUTO_TEST_CASE(heatmap_imbalance_figures_by_hand) {
  // Layer 0: loads 6, 2, 0, 0 — N = 8, E = 4, mean 2, max 6: max/mean 3.
  //   deviations 4, 0, -2, -2: variance (16 + 0 + 4 + 4) / 4 = 6, CV = sqrt(6) / 2.
  //   p = 3/4, 1/4: H = -(0.75 ln 0.75 + 0.25 ln 0.25), normalised by ln 4.
  //   capacity 1.25: C = ceil(1.25 × 8 / 4) = ceil(2.5) = 3, dropped 6 - 3 = 3.
  // Layer 1: loads 2, 2, 2, 2 — even: max/mean 1, CV 0, normalised entropy 1, nothing dropped.
  std::map<int32_t, std::vector<int64_t>> c = {{1, {2, 2, 2, 2}}, {0, {6, 2, 0, 0}}};
  const ExpertHeatmap h = expert_heatmap(c, 1.25);
  BOOST_TEST(h.layers == (std::vector<int32_t>{0, 1}), tt::per_element());
  BOOST_TEST(h.experts == 4);
  BOOST_TEST(h.count(0, 0) == 6);
  BOOST_TEST(h.count(0, 1) == 2);
  BOOST_TEST(h.count(1, 3) == 2);
  BOOST_TEST(h.max_count == 6);
  BOOST_TEST(max_over_mean(h.rows[0]) == 3.0, tt::tolerance(1e-12));
  BOOST_TEST(h.rows[0].cv == std::sqrt(6.0) / 2, tt::tolerance(1e-12));
  const double H = -(0.75 * std::log(0.75) + 0.25 * std::log(0.25));
  BOOST_TEST(h.rows[0].normalized_entropy == H / std::log(4.0), tt::tolerance(1e-12));
  BOOST_TEST(h.rows[0].capacity == 3);
  BOOST_TEST(h.rows[0].dropped == 3);
  BOOST_TEST(max_over_mean(h.rows[1]) == 1.0, tt::tolerance(1e-12));
  BOOST_TEST(h.rows[1].cv == 0.0, tt::tolerance(1e-12));
  BOOST_TEST(h.rows[1].normalized_entropy == 1.0, tt::tolerance(1e-12));
  BOOST_TEST(h.rows[1].dropped == 0);
  // Run-wide: the worst layer is 0; drops sum over layers; 16 assignments in all.
  BOOST_TEST(h.worst_layer == 0);
  BOOST_TEST(h.worst_max_over_mean == 3.0, tt::tolerance(1e-12));
  BOOST_TEST(h.worst_cv == std::sqrt(6.0) / 2, tt::tolerance(1e-12));
  BOOST_TEST(h.min_normalized_entropy == H / std::log(4.0), tt::tolerance(1e-12));
  BOOST_TEST(h.dropped == 3);
  BOOST_TEST(h.assignments == 16);
  // At capacity 2.0: C = ceil(2 × 8 / 4) = 4, dropped 6 - 4 = 2.
  BOOST_TEST(expert_heatmap(c, 2.0).dropped == 2);
}

BOOST_AUTO_TEST_CASE(cumulative_drops_are_summed_per_step_not_recomputed) {
  // Step 1 sends all 4 assignments of layer 0 to expert 0, step 2 all 4 to expert 1.
  // Capacity 1.0 per step: C = ceil(1.0 × 4 / 4) = 1, dropped 3 each step: 6 over the run.
  // From the summed loads 4, 4, 0, 0 one would get C = ceil(8 / 4) = 2 and 4 dropped: wrong.
  LiveFold fold;
  ExpertLoadFold drops;
  for (const prof::Event& e :
       {prof::Event(counts(1, {{0, {4, 0, 0, 0}}})), prof::Event(counts(2, {{0, {0, 4, 0, 0}}}))}) {
    fold.apply(e);
    drops.apply(e);
  }
  BOOST_TEST(drops.steps() == 2);
  BOOST_TEST(kCapacityFactors[0] == 1.0);
  BOOST_TEST(drops.dropped(0).at(0) == 6);
  // Capacity 1.25: C = ceil(1.25 × 4 / 4) = ceil(1.25) = 2, dropped 2 per step.
  BOOST_TEST(kCapacityFactors[1] == 1.25);
  BOOST_TEST(drops.dropped(1).at(0) == 4);
  const ExpertHeatmap cum = expert_heatmap(fold.state().experts_cumulative, 1.0, &drops.dropped(0));
  BOOST_TEST(cum.count(0, 0) == 4);
  BOOST_TEST(cum.count(0, 1) == 4);
  BOOST_TEST(cum.rows[0].dropped == 6);
  BOOST_TEST(cum.dropped == 6);
  // The summed loads 4, 4, 0, 0: max/mean 4 / 2 = 2.
  BOOST_TEST(cum.worst_max_over_mean == 2.0, tt::tolerance(1e-12));
  // The latest step alone: 4, 0, 0, 0 after step 2 is 0, 4, 0, 0; max/mean 4.
  const ExpertHeatmap last = expert_heatmap(fold.state().experts_last, 1.0);
  BOOST_TEST(last.count(0, 1) == 4);
  BOOST_TEST(last.worst_max_over_mean == 4.0, tt::tolerance(1e-12));
  BOOST_TEST(last.dropped == 3);
}

BOOST_AUTO_TEST_CASE(heatmap_of_94_layers_by_128_experts) {
  // Qwen3-235B-A22B's shape (94 MoE layers, 128 experts, top-8). Layer l sends one assignment to
  // each expert and l extra ones to expert l % 128: its max/mean is (1 + l) / ((128 + l) / 128).
  std::map<int32_t, std::vector<int64_t>> c;
  for (int32_t l = 0; l < 94; ++l) {
    std::vector<int64_t> v(128, 1);
    v[static_cast<size_t>(l % 128)] += l;
    c[l] = v;
  }
  const ExpertHeatmap h = expert_heatmap(c, 1.0);
  BOOST_TEST(h.layers.size() == 94u);
  BOOST_TEST(h.experts == 128);
  BOOST_TEST(h.counts.size() == 94u * 128u);
  BOOST_TEST(h.count(93, 93) == 94);
  BOOST_TEST(h.worst_layer == 93);
  BOOST_TEST(h.worst_max_over_mean == 94.0 / (221.0 / 128.0), tt::tolerance(1e-12));
  // Layer 93 at capacity 1.0: C = ceil(221 / 128) = 2, dropped 94 - 2 = 92; layer l > 0 drops
  // (1 + l) - ceil((128 + l) / 128) = l - 1, so Σ over l = 1..93 of (l - 1) = 92 × 93 / 2.
  BOOST_TEST(h.rows[93].dropped == 92);
  BOOST_TEST(h.dropped == 92 * 93 / 2);
}

BOOST_AUTO_TEST_CASE(timeline_keeps_the_latest_steps_and_finds_ops) {
  OpTimeline tl(2);
  // Step 1: q_proj 100..300 (layer 0), other (left out), attention 300..700, head 700..800.
  prof::SpanBatch b1;
  b1.spans = {span(1, 0, "attn", "attention", 300, 400, 8000, 4000),
              span(1, 0, "q_proj", "matmul", 100, 200, 2000000, 1000000),
              span(1, prof::kStepLayer, prof::kOtherOp, "other", 100, 50),
              span(1, 1, "lm_head", "matmul", 700, 100)};
  tl.apply(b1);
  tl.apply(finished(1, prof::Phase::Decode, 90, 720));
  BOOST_REQUIRE(tl.steps().size() == 1u);
  const TimelineStep& s1 = tl.steps().front();
  BOOST_TEST(s1.spans.size() == 3u);            // "other" is no place on the clock
  BOOST_TEST(s1.spans.front().op == "q_proj");  // sorted by start once finished
  BOOST_TEST(s1.start_ns == 90);
  BOOST_TEST(s1.end_ns == 810);  // 90 + 720 ends after the last span (800)
  BOOST_TEST(tl.span_at(150)->op == "q_proj");
  BOOST_TEST(tl.span_at(300)->op == "attn");  // a span covers [start, start + duration)
  BOOST_TEST(tl.span_at(50) == nullptr);
  BOOST_TEST(tl.span_at(805) == nullptr);  // inside the step, after its last op
  // q_proj: 2 MFLOP in 200 ns = 10,000 GFLOP/s; 1 MB in 200 ns = 5,000 GB/s; 2 FLOP/byte.
  const SpanRates r = span_rates(*tl.span_at(150));
  BOOST_TEST(r.gflops_per_s == 10000.0, tt::tolerance(1e-12));
  BOOST_TEST(r.gb_per_s == 5000.0, tt::tolerance(1e-12));
  BOOST_TEST(r.intensity == 2.0, tt::tolerance(1e-12));
  const auto bands = layer_bands(s1);
  BOOST_REQUIRE(bands.size() == 2u);
  BOOST_TEST(bands[0].layer == 0);
  BOOST_TEST(bands[0].start_ns == 100);
  BOOST_TEST(bands[0].end_ns == 700);
  BOOST_TEST(bands[1].layer == 1);
  // Two more steps: only the latest two are kept.
  for (int64_t st = 2; st <= 3; ++st) {
    prof::SpanBatch b;
    b.spans = {span(st, 0, "q_proj", "matmul", st * 1000, 100)};
    tl.apply(b);
    tl.apply(finished(st, prof::Phase::Decode, st * 1000, 100));
  }
  BOOST_TEST(tl.steps().size() == 2u);
  BOOST_TEST(tl.steps().front().step == 2);
  BOOST_TEST(tl.begin_ns() == 2000);
  BOOST_TEST(tl.end_ns() == 3100);
  BOOST_TEST(tl.span_count() == 2u);
}

BOOST_AUTO_TEST_CASE(time_window_zoom_pan_and_clamp) {
  TimeWindow w{0, 1000};
  w.zoom(250, 2);  // about t = 250: [250 - 125, 250 + 375]
  BOOST_TEST(w.t0 == 125.0);
  BOOST_TEST(w.t1 == 625.0);
  w.pan(-200);  // [-75, 425], then clamped into [0, 1000] keeping the width
  w.clamp(0, 1000, 10);
  BOOST_TEST(w.t0 == 0.0);
  BOOST_TEST(w.t1 == 500.0);
  w.pan(800);
  w.clamp(0, 1000, 10);
  BOOST_TEST(w.t0 == 500.0);
  BOOST_TEST(w.t1 == 1000.0);
  w.zoom(750, 1000);  // width 0.5 < min width 10: widened to 10 from its start
  w.clamp(0, 1000, 10);
  BOOST_TEST(w.width() == 10.0, tt::tolerance(1e-9));
  w.zoom(500, 0.001);  // wider than the range: shows all of it
  w.clamp(0, 1000, 10);
  BOOST_TEST(w.t0 == 0.0);
  BOOST_TEST(w.t1 == 1000.0);
}

BOOST_AUTO_TEST_CASE(live_roofline_points_against_the_profile) {
  // A profile of 100 GB/s and 1 TFLOP/s bf16 (ridge at 10 FLOP/byte).
  HardwareProfile hw;
  hw.name = "toy";
  hw.memory_bandwidth = 100e9;
  hw.peak_flops[static_cast<size_t>(DType::BF16)] = 1e12;
  RooflineFold fold;
  prof::SpanBatch b;
  // matmul in decode: two spans, 4 GFLOP and 1 GB in 0.1 s in all: 40 GFLOP/s at 4 FLOP/byte.
  // Predicted: max(4e9 / 1e12, 1e9 / 1e11) = 0.01 s, i.e. 400 GFLOP/s = min(1e12, 4 × 1e11).
  b.spans = {span(1, 0, "q_proj", "matmul", 0, 50'000'000, 3'000'000'000, 600'000'000),
             span(1, 1, "q_proj", "matmul", 0, 50'000'000, 1'000'000'000, 400'000'000),
             // attention in prefill: 20 GFLOP, 1 GB in 0.1 s: 200 GFLOP/s at 20 FLOP/byte, above
             // the ridge: predicted max(0.02, 0.01) = 0.02 s, 1 TFLOP/s (the ceiling).
             span(0, 0, "attn", "attention", 0, 100'000'000, 20'000'000'000, 1'000'000'000,
                  prof::Phase::Prefill),
             // no bytes: no place on log axes
             span(1, 0, "rope", "rope", 0, 1000, 100, 0)};
  fold.apply(b);
  const charts::RooflineChart d = live_roofline(fold, prof::Phase::Decode, hw, "bf16");
  BOOST_TEST(d.ridge == 10.0, tt::tolerance(1e-12));
  BOOST_REQUIRE(d.points.size() == 2u);  // matmul measured, matmul predicted
  BOOST_TEST(!d.points[0].predicted);
  BOOST_TEST(d.points[0].label == "matmul");
  BOOST_TEST(d.points[0].intensity == 4.0, tt::tolerance(1e-12));
  BOOST_TEST(d.points[0].flops_per_s == 40e9, tt::tolerance(1e-9));
  BOOST_TEST(d.points[1].predicted);
  BOOST_TEST(d.points[1].flops_per_s == 400e9, tt::tolerance(1e-9));
  const charts::RooflineChart p = live_roofline(fold, prof::Phase::Prefill, hw, "bf16");
  BOOST_REQUIRE(p.points.size() == 2u);
  BOOST_TEST(p.points[0].flops_per_s == 200e9, tt::tolerance(1e-9));
  BOOST_TEST(p.points[1].flops_per_s == 1e12, tt::tolerance(1e-9));
  // fp32 weights on a profile with only bf16: no fp32 peak, and fp32 has no wider fallback.
  BOOST_CHECK_THROW(live_roofline(fold, prof::Phase::Decode, hw, "fp32"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(layer_time_per_step_and_running_means) {
  LiveFold fold;
  prof::RunStarted st;
  st.run.config_json = R"({"n_layers":1})";
  st.run.new_tokens = 2;
  st.run.prompt_tokens = 4;
  fold.apply(st);
  // Prefill (step 0): layer 0 matmul 3000 ns, attention 1000 ns; head matmul 500 ns.
  prof::SpanBatch p;
  p.spans = {
      span(0, 0, "q", "matmul", 0, 3000, 0, 0, prof::Phase::Prefill),
      span(0, 0, "a", "attention", 3000, 1000, 0, 0, prof::Phase::Prefill),
      span(0, 1, "lm_head", "matmul", 4000, 500, 0, 0, prof::Phase::Prefill),
      span(0, prof::kStepLayer, prof::kOtherOp, "other", 0, 100, 0, 0, prof::Phase::Prefill)};
  fold.apply(p);
  fold.apply(finished(0, prof::Phase::Prefill, 0, 4600, 4));
  // Two decode steps: layer 0 matmul 1000 then 3000 ns.
  for (int64_t s = 1; s <= 2; ++s) {
    prof::SpanBatch d;
    d.spans = {span(s, 0, "q", "matmul", 10000 * s, 1000 + 2000 * (s - 1))};
    fold.apply(d);
    fold.apply(finished(s, prof::Phase::Decode, 10000 * s, 4000));
  }
  const charts::StackedBarChart latest = layer_time_chart(fold.state(), LayerTimeMode::LatestStep);
  BOOST_TEST(latest.categories == (std::vector<std::string>{"L0"}), tt::per_element());
  BOOST_TEST(charts::stack_total(latest, 0) == 3000e-9, tt::tolerance(1e-12));
  // Decode mean: (1000 + 3000) / 2 steps = 2000 ns.
  const charts::StackedBarChart dm = layer_time_chart(fold.state(), LayerTimeMode::MeanDecode);
  BOOST_TEST(charts::stack_total(dm, 0) == 2000e-9, tt::tolerance(1e-12));
  // Prefill mean over its one step: L0 4000 ns, head 500 ns; "other" is in no layer.
  const charts::StackedBarChart pm = layer_time_chart(fold.state(), LayerTimeMode::MeanPrefill);
  BOOST_TEST(pm.categories == (std::vector<std::string>{"L0", "head"}), tt::per_element());
  BOOST_TEST(charts::stack_total(pm, 0) == 4000e-9, tt::tolerance(1e-12));
  BOOST_TEST(charts::stack_total(pm, 1) == 500e-9, tt::tolerance(1e-12));
  BOOST_TEST(pm.series.size() == 2u);  // attention, matmul
  // Per-step series: 4 tokens in 4600 ns = 869,565 tokens/s; decode 1 token in 4000 ns = 250,000.
  const StepSeries ss = step_series(fold.state());
  BOOST_REQUIRE(ss.step.size() == 3u);
  BOOST_TEST(ss.tokens_per_s[0] == 4e9 / 4600, tt::tolerance(1e-9));
  BOOST_TEST(ss.tokens_per_s[2] == 250000.0, tt::tolerance(1e-9));
  BOOST_TEST(ss.ms[1] == 0.004, tt::tolerance(1e-12));
  BOOST_TEST(!ss.decode[0]);
  BOOST_TEST(ss.decode[2]);
}

BOOST_AUTO_TEST_CASE(kv_series_per_layer_kind) {
  LiveFold fold;
  for (int64_t s = 0; s < 3; ++s) {
    prof::StepRecord r;
    r.step = s;
    r.phase = s == 0 ? prof::Phase::Prefill : prof::Phase::Decode;
    r.tokens = 1;
    r.duration_ns = 10;
    r.context_tokens = 8 + s;
    r.kv_allocated_bytes = 4096;
    r.kv_used_by_kind = {{"full", 100u * static_cast<uint64_t>(s + 1)}, {"sliding", 50}};
    if (s == 0) r.kv_used_by_kind.erase("sliding");  // a kind that appears later reads 0 before
    r.kv_used_bytes = 0;
    for (const auto& [k, b] : r.kv_used_by_kind) r.kv_used_bytes += b;
    fold.apply(prof::StepFinished{r});
  }
  const KvSeries kv = kv_series(fold.state());
  BOOST_TEST(kv.kinds == (std::vector<std::string>{"full", "sliding"}), tt::per_element());
  BOOST_TEST(kv.context == (std::vector<double>{8, 9, 10}), tt::per_element());
  BOOST_TEST(kv.used_by_kind[0] == (std::vector<double>{100, 200, 300}), tt::per_element());
  BOOST_TEST(kv.used_by_kind[1] == (std::vector<double>{0, 50, 50}), tt::per_element());
  BOOST_TEST(kv.used == (std::vector<double>{100, 250, 350}), tt::per_element());
  BOOST_TEST(kv.allocated.back() == 4096.0);
}

BOOST_AUTO_TEST_SUITE_END()
