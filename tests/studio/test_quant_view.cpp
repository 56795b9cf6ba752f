// The Runs page's Quantization tab against the real CLI: `archscope quant --db --json` measures
// three schemes on a -mini preset and stores them with a run; opening that run in the studio shows
// the schemes with the figures `quant --json` printed (bits per weight, bytes, mean/max KL, top-1),
// one per-layer row per transformer layer, and the KL-vs-bits chart with one point per scheme at
// the printed coordinates and a Pareto front that skips the dominated scheme. A run made by
// `archscope run` has no Quantization tab.
#include <QTableWidget>
#include <QTest>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.hpp"
#include "studio/studio_support.hpp"
#include "widgets/line_chart_widget.hpp"
#include "widgets/quant_results_view.hpp"
#include "widgets/run_figures_view.hpp"
#include "widgets/runs_page.hpp"

using namespace archscope;
namespace fs = std::filesystem;

namespace {

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("archscope-quant-view-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};

nlohmann::json cli_json(const std::vector<std::string>& args) {
  const test::CliResult r = test::run_cli(args);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return nlohmann::json::parse(r.out);
}

std::string g4(double v) {
  char b[48];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

std::string cell(const QTableWidget& t, int row, int column) {
  const QTableWidgetItem* i = t.item(row, column);
  return i ? i->text().toStdString() : std::string("<none>");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(quant_view)

BOOST_AUTO_TEST_CASE(shows_the_stored_quant_results_as_the_cli_printed_them) {
  Scratch s;
  const fs::path db = s.dir / "runs.db";
  const nlohmann::json q =
      cli_json({"quant", "--preset", "llama3-mini", "--schemes", "q8_0,q4_0,int8-channel",
                "--prompt", "12", "--threads", "1", "--json", "--db", db.string()});
  const nlohmann::json run =
      cli_json({"run", "--preset", "llama3-mini", "--prompt", "4", "--new", "2", "--warmup", "0",
                "--threads", "1", "--json", "--db", db.string()});
  const int64_t quant_id = q["run_id"].get<int64_t>();
  const int64_t plain_id = run["run_id"].get<int64_t>();

  test::Window t;
  t.w.show_page(QStringLiteral("runs"));
  studio::RunsPage& page = t.w.runs();
  BOOST_REQUIRE(page.set_database(QString::fromStdString(db.string())));

  BOOST_REQUIRE(page.open_run(quant_id));
  studio::RunFiguresView& view = page.run_view();
  BOOST_REQUIRE(view.quant_shown());
  const auto& tables = view.quant().tables();
  BOOST_REQUIRE(tables.size() >= 2);
  const QTableWidget& schemes = *tables[0];
  const nlohmann::json& js = q["schemes"];
  BOOST_REQUIRE(schemes.rowCount() == static_cast<int>(js.size()));
  for (int r = 0; r < schemes.rowCount(); ++r) {
    const nlohmann::json& e = js[static_cast<size_t>(r)];
    BOOST_TEST(cell(schemes, r, 0) == e["scheme"].get<std::string>());
    BOOST_TEST(std::stod(cell(schemes, r, 1)) == e["bits_per_weight"].get<double>(),
               boost::test_tools::tolerance(5e-5));
    BOOST_TEST(cell(schemes, r, 2) == std::to_string(e["total_bytes"].get<uint64_t>()));
    BOOST_TEST(cell(schemes, r, 3) == g4(e["kl_mean"].get<double>()));
    BOOST_TEST(cell(schemes, r, 4) == g4(e["kl_max"].get<double>()));
    char top1[32];
    std::snprintf(top1, sizeof top1, "%.2f%%", 100 * e["top1_agreement"].get<double>());
    BOOST_TEST(cell(schemes, r, 5) == top1);
  }
  // Per layer: one row per transformer layer of the preset, one column per scheme.
  const nlohmann::json layers = js[0]["layer_rel_l2"];
  BOOST_TEST(tables[1]->rowCount() == static_cast<int>(layers.size()));
  BOOST_TEST(tables[1]->columnCount() == 1 + static_cast<int>(js.size()));

  // The KL-vs-bits chart: a one-point series per scheme at the printed (bits, KL).
  const auto& charts = view.quant().charts();
  BOOST_REQUIRE(charts.size() == 3u);
  const charts::LineChart& pareto = charts[0]->chart();
  for (const nlohmann::json& e : js) {
    bool found = false;
    for (const charts::LineSeries& series : pareto.series)
      if (series.label == e["scheme"].get<std::string>() && series.points.size() == 1) {
        found = true;
        BOOST_TEST(series.points[0].x == e["bits_per_weight"].get<double>());
        BOOST_TEST(series.points[0].y == e["kl_mean"].get<double>());
      }
    BOOST_TEST(found, e["scheme"].get<std::string>());
  }
  // The front: the schemes no other beats on both bits and KL, worked out here from the JSON.
  size_t front = 0;
  for (const nlohmann::json& a : js) {
    bool beaten = false;
    for (const nlohmann::json& b : js) {
      const double ab = a["bits_per_weight"], bb = b["bits_per_weight"];
      const double ak = a["kl_mean"], bk = b["kl_mean"];
      if (bb <= ab && bk <= ak && (bb < ab || bk < ak)) beaten = true;
    }
    if (!beaten) ++front;
  }
  bool front_drawn = false;
  for (const charts::LineSeries& series : pareto.series)
    if (series.dashed) {
      front_drawn = true;
      BOOST_TEST(series.points.size() == front);
    }
  BOOST_TEST(front_drawn);
  // Painted: the chart widgets render something beyond the background.
  for (studio::LineChartWidget* c : charts) {
    c->resize(640, 300);
    BOOST_TEST(test::distinct_colours(c->grab().toImage()) > 3u);
  }

  // A plain run has no quantization results: the tab goes away.
  BOOST_REQUIRE(page.open_run(plain_id));
  BOOST_TEST(!view.quant_shown());
  BOOST_TEST(view.quant().tables().empty());
}

BOOST_AUTO_TEST_SUITE_END()
