// The report's quantization section, rendered from a quant result read back from the run store:
// well-formed HTML / SVG with a table row per scheme and layer, the three charts with a marker
// per scheme and layer, and the Pareto front worked out by hand for a chosen set of schemes.
#define BOOST_TEST_DYN_LINK
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "charts/quant_charts.hpp"
#include "run_report/html_report.hpp"
#include "run_report/markdown_report.hpp"
#include "run_report/quant_section.hpp"
#include "store/quant_table.hpp"
#include "store/run_store.hpp"
#include "svg/svg_builder.hpp"
#include "views_charts/xml_check.hpp"

using namespace archscope;
using namespace archscope::views;
namespace fs = std::filesystem;

namespace {

quant::SchemeResult scheme(const std::string& name, double bits, double kl,
                           std::vector<double> rel) {
  quant::SchemeResult s;
  s.scheme = name;
  s.bits_per_weight = bits;
  s.kl_mean = kl;
  s.kl_max = 10 * kl;
  s.top1_agreement = 1.0 - kl;
  s.layer_rel_l2 = std::move(rel);
  for (int64_t l = 0; l < static_cast<int64_t>(s.layer_rel_l2.size()); ++l)
    s.tensors.push_back(
        {"layers." + std::to_string(l) + ".self_attn.q_proj.weight", l, 100, 1.0, kl});
  return s;
}

quant::EvalResult sample() {
  quant::EvalResult r;
  r.model = "demo <&>";
  r.tokens = 64;
  r.source_dtype = "fp32";
  r.source_perplexity = 8.0;
  // q4_0 is beaten by nf4 (same bits, lower KL); every other one is on the front: int4-g128 has
  // the fewest bits, mxfp4, nf4 and q8_0 each the lowest KL at their bits or fewer.
  r.schemes = {scheme("q8_0", 8.5, 1e-4, {0.01, 0.02, 0.03}),
               scheme("q4_0", 4.5, 3e-2, {0.1, 0.2, 0.3}),
               scheme("nf4", 4.5, 2e-2, {0.09, 0.18, 0.27}),
               scheme("int4-g128", 4.15625, 5e-2, {0.1, 0.2, 0.4}),
               scheme("mxfp4", 4.25, 4e-2, {0.12, 0.22, 0.33})};
  r.outliers = {
      {0, "q_proj", 8, 4.0, 2.0}, {0, "experts@8", 8, 30.0, 3.0}, {1, "o_proj", 8, 1.0, 0.5}};
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(run_report_quant)

BOOST_AUTO_TEST_CASE(pareto_front_by_hand) {
  const quant::EvalResult r = sample();
  // By bits: int4-g128 (4.156, 0.05), mxfp4 (4.25, 0.04), nf4 (4.5, 0.02), q8_0 (8.5, 1e-4).
  BOOST_TEST(charts::pareto_front(r) == std::vector<size_t>({3, 4, 2, 0}));
}

BOOST_AUTO_TEST_CASE(section_renders_from_a_stored_result) {
  const fs::path db =
      fs::temp_directory_path() / ("archscope-quantreport-" + std::to_string(::getpid()) + ".db");
  fs::remove(db);
  ReportRun run;
  {
    prof::store::RunStore store = prof::store::RunStore::open(db);
    prof::RunInfo info;
    info.name = "quant demo";
    info.model = "demo";
    info.weights_dtype = "fp32";
    info.weights_quant = "q8_0,q4_0,nf4,int4-g128,mxfp4";
    info.status = prof::RunStatus::Complete;
    const int64_t id = store.create_run(info);
    prof::store::save_quant_result(store, id, sample());
    run.info = store.get_run(id);
    run.quant = prof::store::load_quant_result(store, id);
  }
  fs::remove(db);
  BOOST_REQUIRE(run.quant.has_value());
  const std::string html = render_run_report_html({run});
  const auto doc = xml_check::parse(html);
  BOOST_TEST_INFO("parse error: " << doc.error);
  BOOST_REQUIRE(doc.ok);
  BOOST_TEST(html.find("<h3>Quantization</h3>") != std::string::npos);
  BOOST_TEST(html.find("demo &lt;&amp;&gt;") == std::string::npos);  // the model name is the run's
  BOOST_TEST(doc.count("svg") == 3u);
  // Markers: one per scheme in the Pareto chart plus the front's four; one per scheme and layer
  // in the depth and SQNR charts.
  BOOST_TEST(doc.count("circle", "marker") == 5u + 4u + 2u * 5u * 3u);
  const std::vector<TableData> tables = quant_tables(*run.quant);
  BOOST_REQUIRE(tables.size() == 3u);
  BOOST_TEST(tables[0].rows.size() == 5u);
  BOOST_TEST(tables[0].rows[3][0] == "int4-g128");
  BOOST_TEST(tables[0].rows[3][1] == "4.1562");
  BOOST_TEST(tables[1].rows.size() == 3u);            // layers
  BOOST_TEST(tables[1].rows[0][1] == "40.0 / 0.01");  // q8_0: 10·log10(1 / 1e-4) dB
  BOOST_TEST(tables[2].rows.size() == 2u);            // the worst input per layer
  BOOST_TEST(tables[2].rows[0][1] == "experts@8");
  const MarkdownReport md = render_run_report_markdown({run}, "q");
  BOOST_TEST(md.figures.size() == 3u);
  for (const MarkdownFile& f : md.figures) BOOST_TEST(xml_check::parse(f.content).ok);
  BOOST_TEST(md.markdown.find("### Quantization") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
