// File ▸ Export from the window, against the real CLI: with what-if settings other than the
// defaults (context, batch, int4 weights in groups, fp8 KV, a hardware profile) every summary
// figure equals `archscope analyze --json` for the same options, and the exported HTML, Markdown
// (with its figures) and JSON are byte for byte what `archscope analyze --out` writes; the
// diagram and the comparison export as well-formed SVG and as PNG at 2×.
#include <QImage>
#include <QXmlStreamReader>
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "cli/cli_runner.hpp"
#include "models/studio_document.hpp"
#include "models/summary_model.hpp"
#include "presets/preset_catalog.hpp"
#include "studio/qt_fixture.hpp"
#include "studio/studio_support.hpp"
#include "widgets/diagram_painter.hpp"
#include "widgets/diagram_widget.hpp"
#include "widgets/summary_panel.hpp"
#include "widgets/whatif_bar.hpp"

using namespace archscope;
namespace fs = std::filesystem;

namespace {

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("archscope-export-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir / "cli"); }
  ~Scratch() { fs::remove_all(dir); }
};

const std::vector<std::string> kWhatIf = {"--context",          "32768", "--batch",    "4",
                                          "--weights-dtype",    "int4",  "--kv-dtype", "fp8",
                                          "--quant-group-size", "128",   "--hardware", "h100-sxm"};

AnalysisOptions what_if() {
  AnalysisOptions o;
  o.context = 32768;
  o.batch = 4;
  o.weights = DType::INT4;
  o.kv = DType::FP8;
  o.quant_group_size = 128;
  return o;
}

test::CliResult analyze(std::vector<std::string> extra) {
  std::vector<std::string> args = {"analyze", "--preset", "deepseek-v3"};
  args.insert(args.end(), kWhatIf.begin(), kWhatIf.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return test::run_cli(args);
}

// Parses the whole document: true when it is well-formed XML whose root is <svg>.
bool well_formed_svg(const std::string& text) {
  QXmlStreamReader xml(QByteArray::fromStdString(text));
  QString root;
  while (!xml.atEnd()) {
    xml.readNext();
    if (xml.isStartElement() && root.isEmpty()) root = xml.name().toString();
  }
  return !xml.hasError() && root == QStringLiteral("svg");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(exports)

BOOST_AUTO_TEST_CASE(the_app_exports_what_the_cli_writes_for_the_same_what_if) {
  test::Window t;
  t.w.summary().whatif().set_state(what_if(), QStringLiteral("h100-sxm"));
  BOOST_REQUIRE(t.w.open_preset("deepseek-v3"));
  BOOST_REQUIRE(t.w.wait_until_idle());

  const test::CliResult json = analyze({"--json"});
  BOOST_REQUIRE(json.exit_code == 0);
  const nlohmann::json cli = nlohmann::json::parse(json.out);
  BOOST_TEST(cli["options"]["weights_dtype"] == "int4");  // the options did reach the CLI
  const studio::SummaryModel& m = t.w.summary_model();
  BOOST_TEST(m.rowCount() >= 14);
  for (int i = 0; i < m.rowCount(); ++i) {
    const std::string pointer =
        m.index(i, 0).data(studio::SummaryModel::PointerRole).toString().toStdString();
    BOOST_TEST(m.index(i, 0).data(studio::SummaryModel::JsonRole).toString().toStdString() ==
                   cli.at(nlohmann::json::json_pointer(pointer)).dump(),
               pointer);
  }

  Scratch s;
  for (const char* name : {"analysis.html", "analysis.md", "analysis.json"}) {
    BOOST_REQUIRE_MESSAGE(t.w.export_report_to(QString::fromStdString((s.dir / name).string())),
                          t.w.last_error().toStdString());
    const test::CliResult r = analyze({"--out", (s.dir / "cli" / name).string()});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  }
  // Everything the CLI wrote (the Markdown's SVG figures too) the app wrote, with the same bytes.
  size_t files = 0;
  for (const auto& f : fs::directory_iterator(s.dir / "cli")) {
    ++files;
    const fs::path app = s.dir / f.path().filename();
    BOOST_REQUIRE_MESSAGE(fs::exists(app), app.string());
    BOOST_TEST(test::read_all(app) == test::read_all(f.path()), f.path().filename().string());
  }
  BOOST_TEST(files > 3u);
  BOOST_TEST(!t.w.export_report_to(QString::fromStdString((s.dir / "analysis.txt").string())));
  BOOST_TEST(t.w.last_error().contains(QStringLiteral("use a .html, .md or .json file name")));

  // The diagram as SVG and as PNG at twice the on-screen size.
  const QString svg = QString::fromStdString((s.dir / "diagram.svg").string());
  const QString png = QString::fromStdString((s.dir / "diagram.png").string());
  BOOST_REQUIRE(t.w.export_diagram_to(svg));
  BOOST_REQUIRE(t.w.export_diagram_to(png));
  const std::string svg_text = test::read_all(svg.toStdString());
  BOOST_TEST(well_formed_svg(svg_text));
  BOOST_TEST(svg_text.find("×58") != std::string::npos);  // DeepSeek-V3's 58 MoE layers
  QImage image;
  BOOST_REQUIRE(image.load(png));
  BOOST_TEST(image.width() ==
             static_cast<int>(2 * studio::layouts_size(t.w.diagram().layouts()).width()));
  BOOST_TEST(test::distinct_colours(image) > 20u);
  BOOST_TEST(!t.w.export_diagram_to(QString::fromStdString((s.dir / "diagram.bmp").string())));

  // The comparison: nothing before two configurations are compared, then both formats.
  const QString cmp = QString::fromStdString((s.dir / "comparison.svg").string());
  BOOST_TEST(!t.w.export_diagram_to(cmp, true));
  t.w.add_to_compare(QStringLiteral("deepseek-v3"), t.w.document().config());
  t.w.add_to_compare(QStringLiteral("kimi-k2"), load_preset("kimi-k2", ARCHSCOPE_PRESETS));
  BOOST_REQUIRE(t.w.wait_until_idle());
  BOOST_REQUIRE(t.w.export_diagram_to(cmp, true));
  BOOST_TEST(well_formed_svg(test::read_all(cmp.toStdString())));
  const QString cmp_png = QString::fromStdString((s.dir / "comparison.png").string());
  BOOST_REQUIRE(t.w.export_diagram_to(cmp_png, true));
  BOOST_REQUIRE(image.load(cmp_png));
  BOOST_TEST(test::distinct_colours(image) > 20u);
}

BOOST_AUTO_TEST_SUITE_END()
