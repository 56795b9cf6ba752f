// The report's kernels section from a run with canned kernel records: the per-kernel split of the
// op's plan cost by device time, worked out by hand, and its place in the HTML and Markdown.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "plan/hardware.hpp"
#include "report/text_format.hpp"
#include "run_report/html_report.hpp"
#include "run_report/kernel_section.hpp"
#include "run_report/markdown_report.hpp"
#include "run_report/report_figures.hpp"
#include "views_charts/xml_check.hpp"
#include "views_report/sample_run.hpp"

using namespace archscope;
using namespace archscope::views;

namespace {

HardwareProfile cpu() {
  return load_hardware_file(std::string(ARCHSCOPE_PRESETS) + "/hardware/cpu-generic.json");
}

prof::KernelRecord kernel(int64_t step, int32_t layer, const std::string& op,
                          const std::string& name, int64_t start_ns, int64_t duration_ns) {
  prof::KernelRecord k;
  k.step = step;
  k.layer = layer;
  k.op = op;
  k.name = name;
  k.start_ns = start_ns;
  k.duration_ns = duration_ns;
  return k;
}

const std::string kK1 = "void archscope::cuda::(anonymous namespace)::k1<4>(archscope::cuda::P)";

// The sample run with q_proj of layer 0 given a known plan cost (8 MB, 4 MFLOP) in every decode
// step, and kernels in the first two decode steps: step a runs k1 for 3 µs, then k2, which
// starts 0.5 µs before k1 ends (programmatic dependent launch) and ends 1 µs after it: exclusive
// 1 µs. Step b runs k1 for 2 µs. Also a readback no op launched, and a kernel of an op without a
// span.
ReportRun run_with_kernels() {
  prof::RunData d = sample::real_run();
  std::vector<int64_t> decode;
  for (const prof::StepRecord& s : d.steps)
    if (s.phase == prof::Phase::Decode) decode.push_back(s.step);
  BOOST_REQUIRE(decode.size() == static_cast<size_t>(sample::kDecodeSteps));
  int found = 0;
  for (prof::SpanRecord& s : d.spans)
    if (s.phase == prof::Phase::Decode && s.layer == 0 && s.op == "q_proj") {
      s.bytes = 8'000'000;
      s.flops = 4'000'000;
      ++found;
    }
  BOOST_REQUIRE(found == sample::kDecodeSteps);
  const int64_t a = decode[0], b = decode[1];
  d.kernels = {kernel(a, 0, "q_proj", kK1, 10'000, 3000),
               kernel(a, 0, "q_proj", "k2", 12'500, 1500),
               kernel(b, 0, "q_proj", kK1, 20'000, 2000),
               kernel(b, prof::kStepLayer, prof::kOtherOp, "memcpy DtoH", 22'000, 500),
               kernel(b, 0, "no_such_op", "k3", 22'500, 700)};
  d.kernels[3].kind = prof::ActivityKind::Memcpy;
  d.step_memory = {{a, 100 << 20, 128 << 20, uint64_t{3} << 30, uint64_t{141} << 30},
                   {b, 90 << 20, 128 << 20, uint64_t{2} << 30, uint64_t{141} << 30}};
  return make_report_run(std::move(d), cpu());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(run_report_kernels)

BOOST_AUTO_TEST_CASE(exclusive_time_cuts_the_overlap) {
  const ReportRun run = run_with_kernels();
  const std::vector<int64_t> e = exclusive_ns(run.records.kernels);
  const std::vector<int64_t> want = {3000, 1000, 2000, 500, 700};
  BOOST_TEST(e == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(cost_split_by_device_time) {
  const ReportRun run = run_with_kernels();
  const std::vector<KernelStat> stats = decode_kernel_stats(run);
  BOOST_REQUIRE(stats.size() == 2u);  // the readback and the op without a span are left out
  const KernelStat& k1 = stats[0];
  const KernelStat& k2 = stats[1];
  BOOST_TEST(k1.op == "q_proj");
  BOOST_TEST(k1.launches == 2);
  BOOST_TEST(k1.seconds == 5e-6, boost::test_tools::tolerance(1e-12));
  // Step a: q_proj's 4 µs split 3:1, so k1 carries 3/4 of 8 MB and of 4 MFLOP; step b: all of it.
  BOOST_TEST(k1.charged_bytes == 8e6 * 0.75 + 8e6, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(k1.charged_flops == 4e6 * 0.75 + 4e6, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(k1.op_seconds == 6e-6, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(k2.charged_bytes == 2e6, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(k2.seconds == 1e-6, boost::test_tools::tolerance(1e-12));

  const TableData t = kernel_table(run);
  BOOST_REQUIRE(t.rows.size() == 2u);
  // Kernel records in 2 of the 4 decode steps (as a run traced every other step has): per-step
  // figures are means over those 2, and the caption says so.
  BOOST_TEST(t.caption.find("the kernel records from 2 of 4 decode steps") != std::string::npos,
             t.caption);
  // k1: 14 MB in 5 µs = 2800 GB/s, 7 MFLOP in 5 µs = 1.4 TFLOP/s; 2 launches over 2 traced
  // steps; 5 µs / 2 steps; 5 of q_proj's 6 µs.
  const std::vector<std::string> k1_row = {"q_proj", "k1<4>",  "1.00", text::duration(2.5e-6),
                                           "83.3%",  "2800.0", "1.400"};
  BOOST_TEST(t.rows[0] == k1_row, boost::test_tools::per_element());
  // k2: 2 MB in 1 µs = 2000 GB/s, 1 MFLOP in 1 µs = 1 TFLOP/s; 1 launch, 1 µs over 2 steps.
  const std::vector<std::string> k2_row = {"q_proj", "k2",     "0.50", text::duration(0.5e-6),
                                           "16.7%",  "2000.0", "1.000"};
  BOOST_TEST(t.rows[1] == k2_row, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(device_memory_last_and_max) {
  const TableData t = device_memory_table(run_with_kernels());
  BOOST_REQUIRE(t.rows.size() == 4u);
  BOOST_TEST(t.rows[0][1] == text::binary_bytes(90.0 * (1 << 20)));
  BOOST_TEST(t.rows[0][2] == text::binary_bytes(100.0 * (1 << 20)));
  BOOST_TEST(t.rows[2][2] == text::binary_bytes(3.0 * (1 << 30)));
}

BOOST_AUTO_TEST_CASE(section_and_roofline_in_both_formats) {
  const std::vector<ReportRun> runs{run_with_kernels()};
  const std::string html = render_run_report_html(runs);
  BOOST_TEST(xml_check::parse(html).ok);
  BOOST_TEST(html.find("<h3>Kernels</h3>") != std::string::npos);
  BOOST_TEST(html.find("2800.0") != std::string::npos);
  const MarkdownReport md = render_run_report_markdown(runs, "k");
  BOOST_TEST(md.markdown.find("### Kernels") != std::string::npos);
  BOOST_TEST(md.markdown.find("Device memory after each step") != std::string::npos);
  bool roofline = false;
  for (const Figure& f : run_figures(runs[0])) roofline = roofline || f.id == "roofline-kernels";
  BOOST_TEST(roofline);
  const auto costs = kernel_roofline_costs(runs[0]);
  BOOST_REQUIRE(costs.size() == 2u);
  BOOST_TEST(costs[0].label == "q_proj: k1<4>");
  BOOST_TEST(costs[0].bytes == 14'000'000u);
}

BOOST_AUTO_TEST_CASE(runs_without_kernels_have_no_section) {
  const std::vector<ReportRun> runs{sample::make_run("cpu run", 1.0, cpu())};
  BOOST_TEST(render_run_report_html(runs).find("<h3>Kernels</h3>") == std::string::npos);
  BOOST_TEST(render_run_report_markdown(runs, "x").markdown.find("### Kernels") ==
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
