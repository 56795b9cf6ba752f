// The studio's Qt item models under QAbstractItemModelTester, and their figures against the real
// `archscope analyze --json` for the same inputs.
#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "cli/cli_runner.hpp"
#include "config/config_json.hpp"
#include "models/compare_model.hpp"
#include "models/layer_table_model.hpp"
#include "models/preset_model.hpp"
#include "models/summary_model.hpp"
#include "presets/hardware_catalog.hpp"
#include "presets/preset_catalog.hpp"
#include "studio/qt_fixture.hpp"
#include "summary/analysis_job.hpp"

using namespace archscope;
using namespace archscope::studio;

using archscope::test::QtApp;
BOOST_TEST_GLOBAL_FIXTURE(QtApp);

namespace {

struct Tester {
  explicit Tester(QAbstractItemModel* model)
      : tester(model, QAbstractItemModelTester::FailureReportingMode::Warning) {
    test::model_test_failures().clear();
  }
  ~Tester() { BOOST_TEST(test::model_test_failures().join('\n').toStdString() == ""); }
  QAbstractItemModelTester tester;
};

nlohmann::json cli_analysis(const std::vector<std::string>& args) {
  std::vector<std::string> all = {"analyze", "--json"};
  all.insert(all.end(), args.begin(), args.end());
  const test::CliResult r = test::run_cli(all);
  BOOST_REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

summary::AnalysisResult studio_analysis(const char* preset, int64_t context, const char* hardware) {
  summary::AnalysisInput in;
  in.config = load_preset(preset, ARCHSCOPE_PRESETS);
  in.options.context = context;
  if (hardware) in.hardware = load_hardware(hardware, hardware_dir(ARCHSCOPE_PRESETS));
  return summary::compute_analysis(in);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(item_models)

BOOST_AUTO_TEST_CASE(preset_tree) {
  PresetModel model;
  Tester t(&model);
  auto rows = summary::load_preset_rows(ARCHSCOPE_PRESETS, false);
  const size_t shipped = rows.size();
  summary::PresetRow broken;
  broken.name = "broken";
  broken.user = true;
  broken.error = "broken.json: d_model: must be positive, got -4";
  rows.push_back(broken);
  auto trained =
      summary::load_model_rows(std::filesystem::path(ARCHSCOPE_SOURCE_DIR) / "assets" / "models");
  BOOST_REQUIRE(!trained.empty());
  const size_t n_trained = trained.size();
  for (auto& r : trained) rows.push_back(std::move(r));
  model.set_rows(rows);
  BOOST_TEST(model.preset_count() == static_cast<int>(shipped + 1 + n_trained));
  // "My presets" first, the trained checkpoints next, then families in order; every preset under
  // its family.
  BOOST_TEST(model.index(0, 0).data().toString().toStdString() == "My presets (1)");
  const QModelIndex trained_group = model.index(1, 0);
  BOOST_TEST(trained_group.data().toString().toStdString() ==
             "Trained models (" + std::to_string(n_trained) + ")");
  for (int r = 0; r < model.rowCount(trained_group); ++r) {
    const QModelIndex i = model.index(r, 0, trained_group);
    BOOST_TEST(i.data(PresetModel::TrainedRole).toBool());
    BOOST_TEST(i.data(PresetModel::PathRole).toString().endsWith(QStringLiteral("/config.json")));
  }
  BOOST_TEST(!model.index(2, 0).data().toString().startsWith(QStringLiteral("Trained")));
  {
    // Sorted by name as the browser sorts it, the groups keep that order even when a family's
    // name sorts before them ("Alpha" < "My presets" < "Trained models").
    auto with_alpha = rows;
    summary::PresetRow alpha = with_alpha.front();
    alpha.family = "Alpha";
    alpha.user = alpha.trained = false;
    with_alpha.push_back(alpha);
    PresetModel sorted_model;
    sorted_model.set_rows(with_alpha);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&sorted_model);
    proxy.setSortRole(PresetModel::SortRole);
    proxy.sort(PresetModel::Name, Qt::AscendingOrder);
    BOOST_TEST(proxy.index(0, 0).data().toString().toStdString() == "My presets (1)");
    BOOST_TEST(proxy.index(1, 0).data().toString().startsWith(QStringLiteral("Trained models")));
    BOOST_TEST(proxy.index(2, 0).data().toString().toStdString() == "Alpha (1)");
  }
  bool found = false;
  for (int g = 0; g < model.rowCount(); ++g) {
    const QModelIndex family = model.index(g, 0);
    for (int r = 0; r < model.rowCount(family); ++r) {
      const QModelIndex p = model.index(r, 0, family);
      BOOST_TEST((model.parent(p) == family));
      if (p.data(PresetModel::NameRole).toString() == "deepseek-v3") {
        found = true;
        BOOST_TEST(
            model.index(r, PresetModel::Total, family).data(PresetModel::SortRole).toULongLong() ==
            671026419200ull);
        BOOST_TEST(model.index(r, PresetModel::Total, family).data().toString().toStdString() ==
                   "671.03B");
        BOOST_TEST(model.index(r, PresetModel::KvPerToken, family)
                       .data(PresetModel::SortRole)
                       .toULongLong() == 61ull * 576 * 2);
      }
    }
  }
  BOOST_TEST(found);
  const QModelIndex mine = model.index(0, 0, model.index(0, 0));
  BOOST_TEST(model.index(0, PresetModel::Description, model.index(0, 0))
                 .data()
                 .toString()
                 .contains("must be positive"));
  BOOST_TEST(mine.data(PresetModel::NameRole).toString().toStdString() == "broken");
  model.set_rows({});
  BOOST_TEST(model.rowCount() == 0);
}

BOOST_AUTO_TEST_CASE(summary_equals_analyze_json) {
  const summary::AnalysisResult r = studio_analysis("qwen3-235b-a22b", 32768, "h100-sxm");
  BOOST_REQUIRE(!r.error);
  SummaryModel model;
  Tester t(&model);
  model.set_analysis(r.json);
  const nlohmann::json cli =
      cli_analysis({"--preset", "qwen3-235b-a22b", "--context", "32768", "--hardware", "h100-sxm"});
  BOOST_TEST(model.rowCount() >= 14);
  for (int i = 0; i < model.rowCount(); ++i) {
    const std::string pointer =
        model.index(i, 0).data(SummaryModel::PointerRole).toString().toStdString();
    const std::string shown =
        model.index(i, 0).data(SummaryModel::JsonRole).toString().toStdString();
    BOOST_TEST(shown == cli.at(nlohmann::json::json_pointer(pointer)).dump(), pointer);
  }
  // Every row the CLI's JSON has is shown (nothing silently dropped).
  for (const summary::Row& row : summary::rows()) {
    const nlohmann::json::json_pointer p(row.pointer);
    const bool has = row.format == summary::Format::MemoryFit
                         ? cli.contains("memory") && cli["memory"].contains("fits") &&
                               cli["memory"]["fits"].is_boolean()
                         : cli.contains(p) && !cli.at(p).is_null();
    if (has)
      BOOST_TEST(model.row_of(QString::fromStdString(row.pointer), row.format) >= 0, row.pointer);
  }
  model.set_analysis(nlohmann::json::object());
  BOOST_TEST(model.rowCount() == 0);
}

BOOST_AUTO_TEST_CASE(layer_table_equals_analyze_json_and_edits_through_its_owner) {
  const summary::AnalysisResult r = studio_analysis("gemma3-27b", 8192, nullptr);
  const nlohmann::json cli = cli_analysis({"--preset", "gemma3-27b", "--context", "8192"});
  LayerTableModel model;
  Tester t(&model);
  std::vector<std::tuple<int, int, QString>> edits;
  model.set_editable([&](int c, int row, const QString& v) { edits.emplace_back(c, row, v); });
  model.set_config(*r.analysis->config);
  model.set_analysis(r.json);
  BOOST_REQUIRE(model.rowCount() == 62);
  for (int i = 0; i < 62; ++i) {
    const auto& l = cli["layers"][static_cast<size_t>(i)];
    BOOST_TEST(
        model.index(i, LayerTableModel::Params).data(LayerTableModel::ExactRole).toULongLong() ==
        l["decode"]["params"].get<uint64_t>());
    BOOST_TEST(
        model.index(i, LayerTableModel::KvHeld).data(LayerTableModel::ExactRole).toULongLong() ==
        l["prefill"]["kv_bytes_held"].get<uint64_t>());
    BOOST_TEST(model.index(i, LayerTableModel::DecodeFlops)
                   .data(LayerTableModel::ExactRole)
                   .toULongLong() == l["decode"]["flops"].get<uint64_t>());
    BOOST_TEST(model.index(i, LayerTableModel::Attention).data().toString().toStdString() ==
               l["attention"].get<std::string>());
  }
  BOOST_TEST(model.setData(model.index(3, LayerTableModel::Attention), QStringLiteral("full")));
  BOOST_TEST(
      !model.setData(model.index(3, LayerTableModel::Attention), QStringLiteral("nonsense")));
  BOOST_TEST(!model.setData(model.index(3, LayerTableModel::Params), QStringLiteral("1")));
  BOOST_REQUIRE(edits.size() == 1u);
  BOOST_TEST(std::get<1>(edits[0]) == 3);
  // A broken configuration (no layers, an empty pattern) still shows, without figures.
  ModelConfig broken = *r.analysis->config;
  broken.attention.pattern.clear();
  model.set_config(broken);
  BOOST_TEST(model.index(0, LayerTableModel::Attention).data().toString().toStdString() == "?");
  broken.n_layers = -5;
  model.set_config(broken);
  BOOST_TEST(model.rowCount() == 0);
  model.set_analysis(r.json);  // 62 layers against 0 rows: ignored
}

BOOST_AUTO_TEST_CASE(comparison_models) {
  const auto a = studio_analysis("llama3-8b", 4096, "h100-sxm"),
             b = studio_analysis("qwen3-8b", 4096, "h100-sxm");
  CompareModel figures;
  Tester t1(&figures);
  figures.set_analyses({QStringLiteral("llama3-8b"), QStringLiteral("qwen3-8b")}, {a.json, b.json});
  bool checked = false;
  for (int i = 0; i < figures.rowCount(); ++i) {
    if (figures.index(i, 0).data().toString() != QStringLiteral("Parameters, total")) continue;
    checked = true;
    const double pa = static_cast<double>(a.json["params"]["total"].get<uint64_t>());
    const double pb = static_cast<double>(b.json["params"]["total"].get<uint64_t>());
    BOOST_TEST(figures.index(i, 2).data(CompareModel::DeltaRole).toDouble() == (pb - pa) / pa);
    BOOST_TEST(!figures.index(i, 1).data(CompareModel::DeltaRole).isValid());
    BOOST_TEST(figures.index(i, 2).data().toString().contains("(+2.0%)"));  // 8.19B vs 8.03B
  }
  BOOST_TEST(checked);
  FieldDiffModel fields;
  Tester t2(&fields);
  const ModelConfig ca = *a.analysis->config, cb = *b.analysis->config;
  fields.set_rows({QStringLiteral("a"), QStringLiteral("b")}, diagram::diff_fields({&ca, &cb}),
                  true);
  const int differing = fields.rowCount();
  for (int i = 0; i < differing; ++i)
    BOOST_TEST(fields.index(i, 0).data(FieldDiffModel::DiffersRole).toBool());
  fields.set_only_differing(false);
  BOOST_TEST(fields.rowCount() > differing);
  figures.set_analyses({}, {});
  BOOST_TEST(figures.rowCount() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
