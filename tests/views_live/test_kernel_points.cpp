// The live roofline's kernel points from canned KernelBatch events: the plan cost of an op split
// over its kernels by exclusive device time (profiler/metrics/kernel_split), worked out by hand,
// the same figures as the run report's kernel section for the same records, and the line the view
// shows when a run has no kernel records.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "live/roofline_points.hpp"
#include "run_report/kernel_section.hpp"
#include "run_report/report_input.hpp"

using namespace archscope;
using namespace archscope::views::live;
namespace tt = boost::test_tools;

namespace {

prof::SpanRecord span(int64_t step, int32_t layer, const char* op, uint64_t flops, uint64_t bytes,
                      prof::Phase phase = prof::Phase::Decode) {
  prof::SpanRecord s;
  s.step = step;
  s.phase = phase;
  s.layer = layer;
  s.op = op;
  s.kind = "matmul";
  s.duration_ns = 10'000;
  s.flops = flops;
  s.bytes = bytes;
  return s;
}

prof::KernelRecord kernel(int64_t step, int32_t layer, const char* op, const char* name,
                          int64_t start_ns, int64_t duration_ns) {
  prof::KernelRecord k;
  k.step = step;
  k.layer = layer;
  k.op = op;
  k.name = name;
  k.start_ns = start_ns;
  k.duration_ns = duration_ns;
  return k;
}

prof::StepRecord step_record(int64_t step, prof::Phase phase) {
  prof::StepRecord s;
  s.step = step;
  s.phase = phase;
  s.tokens = 1;
  return s;
}

// Two decode steps of one op, q_proj of layer 0, plan cost 8 MB and 4 MFLOP each.
// Step 1: gemv runs [10 µs, 13 µs); reduce starts at 12.5 µs, while gemv drains (programmatic
// dependent launch), and ends at 14 µs: its exclusive time is 14 − 13 = 1 µs, so q_proj's 4 µs
// split 3:1. Step 2: gemv alone for 2 µs carries all of q_proj. A readback no op launched (layer
// -2, "other") and a kernel of an op without a span in the step are left out.
struct Canned {
  std::vector<prof::StepRecord> steps = {step_record(1, prof::Phase::Decode),
                                         step_record(2, prof::Phase::Decode)};
  std::vector<std::vector<prof::SpanRecord>> spans = {{span(1, 0, "q_proj", 4'000'000, 8'000'000)},
                                                      {span(2, 0, "q_proj", 4'000'000, 8'000'000)}};
  std::vector<std::vector<prof::KernelRecord>> kernels = {
      {kernel(1, 0, "q_proj", "void archscope::cuda::gemv<4>(archscope::cuda::P)", 10'000, 3000),
       kernel(1, 0, "q_proj", "reduce", 12'500, 1500)},
      {kernel(2, 0, "q_proj", "void archscope::cuda::gemv<4>(archscope::cuda::P)", 20'000, 2000),
       kernel(2, prof::kStepLayer, prof::kOtherOp, "memcpy DtoH", 22'000, 500),
       kernel(2, 0, "no_such_op", "k3", 22'500, 700)}};

  // The events in profiled_run's order: spans, kernels, then the step's StepFinished.
  RooflineFold fold() const {
    RooflineFold f;
    for (size_t i = 0; i < steps.size(); ++i) {
      f.apply(prof::SpanBatch{spans[i]});
      f.apply(prof::KernelBatch{kernels[i], {}});
      f.apply(prof::StepFinished{steps[i]});
    }
    return f;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(live_roofline_kernels)

BOOST_AUTO_TEST_CASE(split_by_exclusive_time_by_hand) {
  const RooflineFold fold = Canned{}.fold();
  const std::vector<KernelPoint> k = live_kernel_points(fold, prof::Phase::Decode);
  BOOST_REQUIRE(k.size() == 2u);  // the readback and the op without a span are left out
  // gemv: 3 µs + 2 µs; charged 3/4 of (8 MB, 4 MFLOP) in step 1 and all of it in step 2:
  // 14 MB and 7 MFLOP in 5 µs = 2800 GB/s and 1.4 TFLOP/s at 0.5 FLOP/byte.
  BOOST_TEST(k[0].kernel == "gemv<4>");
  BOOST_TEST(k[0].op == "q_proj");
  BOOST_TEST(k[0].launches == 2);
  BOOST_TEST(k[0].seconds == 5e-6, tt::tolerance(1e-12));
  BOOST_TEST(k[0].bytes == 14e6, tt::tolerance(1e-12));
  BOOST_TEST(k[0].flops == 7e6, tt::tolerance(1e-12));
  BOOST_TEST(k[0].bytes_per_s == 2800e9, tt::tolerance(1e-9));
  BOOST_TEST(k[0].flops_per_s == 1.4e12, tt::tolerance(1e-9));
  BOOST_TEST(k[0].intensity == 0.5, tt::tolerance(1e-12));
  // reduce: exclusive 1 µs (not its 1.5 µs interval), charged 1/4: 2 MB and 1 MFLOP in 1 µs.
  BOOST_TEST(k[1].kernel == "reduce");
  BOOST_TEST(k[1].launches == 1);
  BOOST_TEST(k[1].seconds == 1e-6, tt::tolerance(1e-12));
  BOOST_TEST(k[1].bytes_per_s == 2000e9, tt::tolerance(1e-9));
  BOOST_TEST(k[1].flops_per_s == 1e12, tt::tolerance(1e-9));
  // The op's time over both steps is the sum of its kernels' exclusive times.
  const auto& stats = fold.kernels().at(prof::Phase::Decode);
  BOOST_TEST(stats.begin()->second.op_seconds == 6e-6, tt::tolerance(1e-12));
  // top = 1 keeps the kernel with the most time.
  BOOST_REQUIRE(live_kernel_points(fold, prof::Phase::Decode, 1).size() == 1u);
  BOOST_TEST(live_kernel_points(fold, prof::Phase::Decode, 1)[0].kernel == "gemv<4>");
  // No prefill step was seen: no prefill points, and a line saying so.
  BOOST_TEST(live_kernel_points(fold, prof::Phase::Prefill).empty());
  BOOST_TEST(kernel_points_note(fold, prof::Phase::Decode).empty());
  BOOST_TEST(kernel_points_note(fold, prof::Phase::Prefill) ==
             "no kernel points for prefill steps yet");
}

BOOST_AUTO_TEST_CASE(same_figures_as_the_report_kernel_section) {
  const Canned c;
  // The report's kernel figures read only the run's records.
  views::ReportRun run;
  auto& d = run.records;
  d.steps = c.steps;
  for (const auto& s : c.spans) d.spans.insert(d.spans.end(), s.begin(), s.end());
  for (const auto& k : c.kernels) d.kernels.insert(d.kernels.end(), k.begin(), k.end());
  const std::vector<views::KernelStat> report = views::decode_kernel_stats(run);
  const auto& live = c.fold().kernels().at(prof::Phase::Decode);
  BOOST_REQUIRE(report.size() == live.size());
  for (const views::KernelStat& r : report) {
    const prof::KernelStat& l = live.at({r.op, r.kernel});
    BOOST_TEST(l.launches == r.launches);
    BOOST_TEST(l.seconds == r.seconds, tt::tolerance(1e-12));
    BOOST_TEST(l.charged_bytes == r.charged_bytes, tt::tolerance(1e-12));
    BOOST_TEST(l.charged_flops == r.charged_flops, tt::tolerance(1e-12));
    BOOST_TEST(l.op_seconds == r.op_seconds, tt::tolerance(1e-12));
  }
  // And one figure by hand: the report's gemv row charges 8 MB × 3/4 + 8 MB = 14 MB.
  BOOST_TEST(report[0].charged_bytes == 14e6, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(kernel_points_widen_the_axes_but_not_the_op_points) {
  // 100 GB/s, 1 TFLOP/s bf16. The op-kind pair (matmul measured, predicted) stays the chart's
  // points; gemv at 0.5 FLOP/byte and 1.4 TFLOP/s lies inside the axes.
  HardwareProfile hw;
  hw.name = "toy";
  hw.memory_bandwidth = 100e9;
  hw.peak_flops[static_cast<size_t>(DType::BF16)] = 1e12;
  const RooflineFold fold = Canned{}.fold();
  const charts::RooflineChart chart = live_roofline(fold, prof::Phase::Decode, hw, "bf16");
  BOOST_REQUIRE(chart.points.size() == 2u);
  BOOST_TEST(chart.points[0].label == "matmul");
  BOOST_TEST(!chart.points[0].predicted);
  BOOST_TEST(chart.points[1].predicted);
  BOOST_TEST(chart.x.min <= 0.5);
  BOOST_TEST(chart.y.max >= 1.4e12);
}

BOOST_AUTO_TEST_CASE(cpu_run_has_no_kernel_points_and_says_why) {
  // A CPU run: span batches and finished steps, no KernelBatch.
  RooflineFold fold;
  fold.apply(prof::SpanBatch{{span(1, 0, "q_proj", 4'000'000, 8'000'000)}});
  fold.apply(prof::StepFinished{step_record(1, prof::Phase::Decode)});
  BOOST_TEST(live_kernel_points(fold, prof::Phase::Decode).empty());
  BOOST_TEST(kernel_points_note(fold, prof::Phase::Decode) ==
             "kernel points need a CUDA run with --cupti");
  BOOST_TEST(kernel_points_note(fold, prof::Phase::Prefill) ==
             "kernel points need a CUDA run with --cupti");
}

BOOST_AUTO_TEST_SUITE_END()
