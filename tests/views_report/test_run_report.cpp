// The run report: one self-contained, well-formed XHTML file (and Markdown + SVG files) from one
// or several runs, with the expected charts and tables and every user string escaped.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "plan/hardware.hpp"
#include "run_report/html_report.hpp"
#include "run_report/markdown_report.hpp"
#include "run_report/report_figures.hpp"
#include "run_report/report_tables.hpp"
#include "svg/svg_builder.hpp"
#include "views_charts/xml_check.hpp"
#include "views_report/sample_run.hpp"

using namespace archscope;
using namespace archscope::views;

namespace {

const std::string kHostile = "<script>&\"'";

HardwareProfile cpu() { return load_hardware_file(std::string(ARCHSCOPE_PRESETS) + "/hardware/cpu-generic.json"); }

std::vector<ReportRun> two_runs() {
  std::vector<ReportRun> runs{sample::make_run("baseline", 1.0, cpu()), sample::make_run(kHostile, 0.8, cpu())};
  runs[1].records.activations[4].finite = false;  // step 1, layer 1
  runs[1].records.activations[4].first_bad_op = "experts";
  return runs;
}

const Figure* find_figure(const std::vector<Figure>& figures, const std::string& id) {
  for (const Figure& f : figures)
    if (f.id == id) return &f;
  return nullptr;
}

xml_check::Document parse_ok(const std::string& xml) {
  auto doc = xml_check::parse(xml);
  BOOST_TEST_INFO("parse error: " << doc.error);
  BOOST_TEST(doc.ok);
  return doc;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(run_report)

BOOST_AUTO_TEST_CASE(figures_have_the_expected_marks) {
  const ReportRun run = sample::make_run("baseline", 1.0, cpu());
  const auto figures = run_figures(run);
  for (const char* id : {"prefill-layers", "decode-layers", "op-kinds", "kv-memory", "expert-load", "roofline-prefill",
                         "roofline-decode"}) {
    BOOST_TEST_INFO("figure " << id);
    BOOST_TEST(find_figure(figures, id) != nullptr);
  }
  for (const Figure& f : figures) parse_ok(svg::standalone(f.svg));

  // One bar per layer: 3 transformer layers plus the embedding, the head and the time outside ops.
  const auto bars = parse_ok(find_figure(figures, "decode-layers")->svg);
  BOOST_TEST(bars.count("g", "bar") == sample::kLayers + 3u);
  BOOST_TEST(run.summary.decode_mean.layers.back() == "other");
  BOOST_TEST(bars.count("g", "bar") == run.summary.decode_mean.layers.size());

  const auto heat = parse_ok(find_figure(figures, "expert-load")->svg);
  BOOST_TEST(heat.count("rect", "cell") == static_cast<size_t>(sample::kLayers * sample::kExperts));

  const auto roof = parse_ok(find_figure(figures, "roofline-decode")->svg);
  BOOST_TEST(roof.count("polyline", "roof") == 1u);
  BOOST_TEST(roof.count("circle", "measured") >= 3u);
  BOOST_TEST(roof.count("circle", "predicted") == roof.count("circle", "measured"));

  const auto kv = parse_ok(find_figure(figures, "kv-memory")->svg);
  BOOST_TEST(kv.count("circle", "marker") == 2u * (sample::kDecodeSteps + 1));
}

// The report's figures are the real run's: throughput from the step records, the layer table
// accounting for every step's time (op spans plus `other`), expert counts of every routed token.
BOOST_AUTO_TEST_CASE(summary_figures_come_from_the_run) {
  const ReportRun run = sample::make_run("baseline", 1.0, cpu());
  const auto& steps = run.records.steps;
  BOOST_REQUIRE(steps.size() == 1u + sample::kDecodeSteps);
  BOOST_TEST(*run.summary.prefill_tokens_per_s == sample::kPrompt * 1e9 / static_cast<double>(steps[0].duration_ns),
             boost::test_tools::tolerance(1e-12));
  double decode_ms = 0;
  for (size_t i = 1; i < steps.size(); ++i) decode_ms += static_cast<double>(steps[i].duration_ns) / 1e6;
  BOOST_TEST(*run.summary.decode_ms_per_token == decode_ms / sample::kDecodeSteps, boost::test_tools::tolerance(1e-12));
  // The prefill table sums to the prefill step's wall time within the step-time margin
  // (tests/prof_runner/test_step_time.cpp: 1 ms + 1%).
  const double wall = static_cast<double>(steps[0].duration_ns) * 1e-9;
  BOOST_TEST(std::abs(run.summary.prefill.total() - wall) <= 1e-3 + 0.01 * wall);
  BOOST_TEST(run.summary.prefill.layers.front() == "embed");
  BOOST_TEST(run.summary.prefill.layers.size() == sample::kLayers + 3u);
  const ModelConfig c = sample::three_layer_moe();
  BOOST_REQUIRE(run.summary.expert_tokens.size() == static_cast<size_t>(sample::kLayers));
  for (const auto& layer : run.summary.expert_tokens) {
    int64_t routed = 0;
    for (int64_t n : layer) routed += n;
    BOOST_TEST(routed == (sample::kPrompt + sample::kDecodeSteps) * c.moe.top_k);
  }
}

BOOST_AUTO_TEST_CASE(html_is_wellformed_self_contained_and_escaped) {
  const auto runs = two_runs();
  const std::string html = render_run_report_html(runs);
  const auto doc = parse_ok(html);
  BOOST_REQUIRE(!doc.elements.empty());
  BOOST_TEST(doc.elements.front().name == "html");
  BOOST_TEST(doc.elements.front().attrs.at("xmlns") == "http://www.w3.org/1999/xhtml");

  // Nothing that would fetch from the network or run code.
  BOOST_TEST(html.find("<script") == std::string::npos);
  BOOST_TEST(html.find("<link") == std::string::npos);
  BOOST_TEST(html.find("src=") == std::string::npos);
  BOOST_TEST(html.find("@import") == std::string::npos);
  BOOST_TEST(doc.count("script") == 0u);
  BOOST_TEST(doc.count("img") == 0u);

  // The hostile name survives as text: in the run's heading, the tables and the charts.
  size_t headings = 0;
  for (const auto& e : doc.elements) headings += e.name == "h2" && e.text == kHostile;
  BOOST_TEST(headings == 1u);
  BOOST_TEST(html.find("&lt;script&gt;&amp;&quot;&#39;") != std::string::npos);

  // Charts of both runs plus the two comparison charts, all inline.
  const size_t per_run = run_figures(runs[0]).size();
  BOOST_TEST(doc.count("svg") == 2 * per_run + 2);
  BOOST_TEST(doc.count("figure") == doc.count("svg"));
  BOOST_TEST(doc.count("section") == 3u);  // comparison + one per run
  BOOST_TEST(doc.count("table") >= 2u + 1u + 2u * 2u + 1u);  // meta, summary, comparison, per run, numerics

  // Metadata of both runs; the second run's changes against the first.
  BOOST_TEST(doc.text.find("qwen3-moe-mini") != std::string::npos);
  BOOST_TEST(doc.text.find(runs[0].info.git_revision) != std::string::npos);
  const std::string decode_delta =
      delta_text(*runs[0].summary.decode_ms_per_token, *runs[1].summary.decode_ms_per_token);
  BOOST_TEST(decode_delta == "-20.0%");  // every duration × 0.8
  BOOST_TEST(doc.text.find("(" + decode_delta + ")") != std::string::npos);
  BOOST_TEST(doc.text.find("experts") != std::string::npos);  // the non-finite layer's first bad op
}

BOOST_AUTO_TEST_CASE(summary_table_deltas_against_first_run) {
  const auto runs = two_runs();
  const TableData t = summary_table(runs);
  BOOST_REQUIRE(t.header.size() == 3u);
  BOOST_TEST(t.header[2] == kHostile);
  // Prefill throughput: durations × 0.8 -> +25%.
  const std::string& cell = t.rows[0][2];
  BOOST_TEST(cell.find("(+25.0%)") != std::string::npos);
  BOOST_TEST(t.rows[0][1].find('(') == std::string::npos);  // the baseline has no delta
  BOOST_TEST(delta_text(2, 3) == "+50.0%");
  BOOST_TEST(delta_text(4, 3) == "-25.0%");
  BOOST_TEST(delta_text(0, 3) == "");
}

BOOST_AUTO_TEST_CASE(single_run_has_no_comparison) {
  const std::string html = render_run_report_html({sample::make_run("solo", 1.0, cpu())});
  const auto doc = parse_ok(html);
  BOOST_TEST(doc.count("section") == 1u);
  BOOST_TEST(doc.text.find("Comparison") == std::string::npos);
  BOOST_TEST(doc.text.find("Every residual-stream sample was finite.") != std::string::npos);
  parse_ok(render_run_report_html({}));
}

BOOST_AUTO_TEST_CASE(markdown_links_sibling_svgs_and_escapes) {
  const auto runs = two_runs();
  const MarkdownReport md = render_run_report_markdown(runs, "out report");
  BOOST_TEST(md.markdown.find("## &lt;script&gt;&amp;\"'") != std::string::npos);
  BOOST_TEST(md.markdown.find("<script") == std::string::npos);
  BOOST_TEST(md.figures.size() == 2 * run_figures(runs[0]).size() + 2);
  for (const MarkdownFile& f : md.figures) {
    BOOST_TEST(f.name.rfind("out-report-", 0) == 0u);  // stem made file-name safe
    BOOST_TEST(md.markdown.find("](" + f.name + ")") != std::string::npos);
    parse_ok(f.content);
  }
  BOOST_TEST(markdown_escape("a|b*c_[d](e)") == "a\\|b\\*c\\_\\[d\\]\\(e\\)");
  BOOST_TEST(md.markdown.find("| :--- |") != std::string::npos);
}

// Writes the sample report for a visual check when ARCHSCOPE_REPORT_SAMPLE_DIR is set.
BOOST_AUTO_TEST_CASE(writes_sample_when_asked) {
  const char* dir = std::getenv("ARCHSCOPE_REPORT_SAMPLE_DIR");
  if (!dir) return;
  const auto runs = two_runs();
  std::filesystem::create_directories(dir);
  std::ofstream(std::filesystem::path(dir) / "report.html") << render_run_report_html(runs);
  write_markdown_report(std::filesystem::path(dir) / "report.md", runs);
  BOOST_TEST(std::filesystem::exists(std::filesystem::path(dir) / "report-run1-decode-layers.svg"));
}

BOOST_AUTO_TEST_SUITE_END()
