// The presets browser as a user meets it: searching by family shows the family's presets, the
// trained demo checkpoint is offered ("Trained models") and opens as the configuration of its
// config.json under its own name, a Hugging Face config.json is imported rather than edited in
// place (Save never overwrites it), two rows selected and compared land on the Compare page, and
// files of either kind and checkpoint folders can be compared, and the Explain panel follows the
// field focused and the block clicked.
#include <QAbstractItemModel>
#include <QApplication>
#include <QFocusEvent>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTreeView>
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "cli/cli_runner.hpp"
#include "common/dtype.hpp"
#include "hf/hf_import.hpp"
#include "models/compare_model.hpp"
#include "models/preset_model.hpp"
#include "models/studio_document.hpp"
#include "studio/qt_fixture.hpp"
#include "studio/studio_support.hpp"
#include "widgets/diagram_widget.hpp"
#include "widgets/explain_panel.hpp"
#include "widgets/presets_page.hpp"
#include "widgets/summary_panel.hpp"
#include "widgets/whatif_bar.hpp"

using namespace archscope;
using studio::PresetModel;

namespace {

// The row (column 0, in the view's model) whose preset is `name`; invalid when not shown.
QModelIndex find_row(const QAbstractItemModel& m, const QString& name) {
  for (int g = 0; g < m.rowCount(); ++g) {
    const QModelIndex group = m.index(g, 0);
    for (int r = 0; r < m.rowCount(group); ++r) {
      const QModelIndex i = m.index(r, 0, group);
      if (i.data(PresetModel::NameRole).toString() == name) return i;
    }
  }
  return {};
}

QStringList shown_names(const QAbstractItemModel& m) {
  QStringList names;
  for (int g = 0; g < m.rowCount(); ++g) {
    const QModelIndex group = m.index(g, 0);
    for (int r = 0; r < m.rowCount(group); ++r)
      names << m.index(r, 0, group).data(PresetModel::NameRole).toString();
  }
  return names;
}

QPushButton* button(QWidget& page, const QString& text) {
  for (auto* b : page.findChildren<QPushButton*>())
    if (b->text() == text) return b;
  throw std::runtime_error("no button " + text.toStdString());
}

const std::filesystem::path kDemo =
    std::filesystem::path(ARCHSCOPE_SOURCE_DIR) / "assets" / "models" / "stdlib-moe-6m";

}  // namespace

BOOST_AUTO_TEST_SUITE(presets_browser)

BOOST_AUTO_TEST_CASE(searching_a_family_shows_its_presets) {
  test::Window t;
  BOOST_REQUIRE(t.w.wait_until_idle());
  QTreeView& view = t.w.presets().view();
  // "glm4.5" is the family of glm-4.5, glm-4.5-air and glm4.5-mini; only the last name has it.
  QTest::keyClicks(&t.w.presets().search(), QStringLiteral("glm4.5"));
  const QStringList glm = shown_names(*view.model());
  BOOST_TEST(glm.join(',').toStdString() == "glm-4.5,glm-4.5-air,glm4.5-mini");
  // A search over the description: every MLA model, and nothing else.
  t.w.presets().search().clear();
  QTest::keyClicks(&t.w.presets().search(), QStringLiteral("MLA"));
  const QStringList mla = shown_names(*view.model());
  BOOST_TEST(mla.contains(QStringLiteral("deepseek-v3")));
  BOOST_TEST(mla.contains(QStringLiteral("kimi-k2")));
  BOOST_TEST(!mla.contains(QStringLiteral("llama3-8b")));
  t.w.presets().search().clear();
  BOOST_TEST(shown_names(*view.model()).size() == t.w.preset_model().preset_count());
}

BOOST_AUTO_TEST_CASE(the_trained_demo_model_is_offered_and_opens) {
  test::Window t;
  BOOST_REQUIRE(t.w.wait_until_idle());
  const PresetModel& model = t.w.preset_model();
  const QModelIndex demo = find_row(model, QStringLiteral("stdlib-moe-6m"));
  BOOST_REQUIRE(demo.isValid());
  BOOST_TEST(model.parent(demo).data().toString().toStdString() == "Trained models (1)");
  BOOST_TEST(demo.data(PresetModel::TrainedRole).toBool());
  BOOST_TEST(demo.data(PresetModel::PathRole).toString().toStdString() ==
             (kDemo / "config.json").string());
  BOOST_TEST(
      demo.siblingAtColumn(PresetModel::Description)
          .data()
          .toString()
          .startsWith(QStringLiteral("Run a real trained MoE: archscope's trained demo model")));
  // training-report.json: 6,564,608 parameters (counted by torch on the trained model).
  BOOST_TEST(demo.siblingAtColumn(PresetModel::Total).data(PresetModel::SortRole).toULongLong() ==
             6564608ull);

  // Double-clicking the row opens its config.json, named after the checkpoint, in the editor.
  QTreeView& view = t.w.presets().view();
  t.w.show_page(QStringLiteral("presets"));
  const QModelIndex shown = find_row(*view.model(), QStringLiteral("stdlib-moe-6m"));
  BOOST_REQUIRE(shown.isValid());
  view.scrollTo(shown);
  QApplication::processEvents();  // lays the page out
  const QRect rect = view.visualRect(shown);
  BOOST_REQUIRE_MESSAGE(
      view.viewport()->rect().contains(rect.center()),
      "row at " << rect.x() << "," << rect.y() << " " << rect.width() << "x" << rect.height());
  const QPoint at = rect.center();
  // An item view takes a double click on the row its press selected: click, then double-click.
  QTest::mouseClick(view.viewport(), Qt::LeftButton, Qt::NoModifier, at);
  QTest::mouseDClick(view.viewport(), Qt::LeftButton, Qt::NoModifier, at);
  BOOST_REQUIRE(t.w.wait_until_idle());
  BOOST_TEST(t.w.last_error().toStdString() == "");
  ModelConfig expected = import_hf_config_file(kDemo / "config.json");
  expected.name = "stdlib-moe-6m";
  BOOST_TEST((t.w.document().config() == expected));
  BOOST_TEST(t.w.document().display_name().toStdString() == "stdlib-moe-6m");
  BOOST_TEST(t.w.tabs().currentIndex() == 1);  // the editor
  BOOST_TEST(test::summary_value(t.w, "/params/total", summary::Format::Params) == "6564608");
  // Every summary figure is the CLI's for the same config.json and what-if settings.
  const AnalysisOptions o = t.w.summary().whatif().options();
  std::vector<std::string> args = {"analyze",
                                   "--hf-config",
                                   (kDemo / "config.json").string(),
                                   "--context",
                                   std::to_string(o.context),
                                   "--batch",
                                   std::to_string(o.batch),
                                   "--json"};
  if (!t.w.summary().whatif().hardware().isEmpty()) {
    args.push_back("--hardware");
    args.push_back(t.w.summary().whatif().hardware().toStdString());
  }
  args.push_back("--weights-dtype");
  args.push_back(to_string(o.weights));
  args.push_back("--kv-dtype");
  args.push_back(to_string(o.kv));
  const test::CliResult cli = test::run_cli(args);
  BOOST_REQUIRE_MESSAGE(cli.exit_code == 0, cli.err);
  const nlohmann::json j = nlohmann::json::parse(cli.out);
  const studio::SummaryModel& m = t.w.summary_model();
  BOOST_TEST(m.rowCount() >= 10);
  for (int i = 0; i < m.rowCount(); ++i) {
    const std::string pointer =
        m.index(i, 0).data(studio::SummaryModel::PointerRole).toString().toStdString();
    BOOST_TEST(m.index(i, 0).data(studio::SummaryModel::JsonRole).toString().toStdString() ==
                   j.at(nlohmann::json::json_pointer(pointer)).dump(),
               pointer);
  }
  // Not a file of the document: Save must never turn the checkpoint's config.json into an
  // archscope file.
  BOOST_TEST(t.w.document().path().isEmpty());
}

BOOST_AUTO_TEST_CASE(a_hugging_face_config_is_imported_not_edited_in_place) {
  test::Window t;
  const QString path = QStringLiteral(ARCHSCOPE_FIXTURES "/hf_configs/gemma3-27b.json");
  BOOST_REQUIRE(t.w.open_file(path));
  BOOST_TEST(t.w.document().path().isEmpty());
  BOOST_TEST(t.w.document().display_name().toStdString() ==
             import_hf_config_file(path.toStdString()).name);
  // An archscope file keeps its path (Save writes back to it).
  const auto file = std::filesystem::temp_directory_path() /
                    ("archscope-studio-" + std::to_string(::getpid()) + "-kept.json");
  BOOST_REQUIRE(t.w.save_to(QString::fromStdString(file.string())));
  BOOST_REQUIRE(t.w.open_file(QString::fromStdString(file.string())));
  BOOST_TEST(t.w.document().path().toStdString() == file.string());
  std::filesystem::remove(file);
}

BOOST_AUTO_TEST_CASE(two_rows_compared_from_the_page) {
  test::Window t;
  BOOST_REQUIRE(t.w.wait_until_idle());
  QTreeView& view = t.w.presets().view();
  for (const char* name : {"deepseek-v3", "stdlib-moe-6m"})
    view.selectionModel()->select(find_row(*view.model(), QString::fromLatin1(name)),
                                  QItemSelectionModel::Select | QItemSelectionModel::Rows);
  QPushButton* compare = button(t.w.presets(), QStringLiteral("&Compare"));
  BOOST_REQUIRE(compare->isEnabled());
  QTest::mouseClick(compare, Qt::LeftButton);
  BOOST_REQUIRE(t.w.wait_until_idle());
  BOOST_TEST(t.w.tabs().currentIndex() == 3);  // the Compare page
  const studio::CompareModel& m = t.w.compare_model();
  BOOST_REQUIRE(m.columnCount() == 3);
  QStringList labels;
  for (int c = 1; c < 3; ++c) labels << m.headerData(c, Qt::Horizontal).toString();
  labels.sort();
  BOOST_TEST(labels.join(',').toStdString() == "deepseek-v3,stdlib-moe-6m");
}

BOOST_AUTO_TEST_CASE(files_of_either_kind_and_checkpoint_folders_are_compared) {
  test::Window t;
  BOOST_REQUIRE(t.w.open_preset("qwen3-30b-a3b"));
  BOOST_REQUIRE(t.w.wait_until_idle());
  t.w.add_to_compare(QStringLiteral("qwen3-30b-a3b"), t.w.document().config());
  // A checkpoint folder (its config.json) and a Hugging Face config.json: both import as
  // `import-hf` does.
  BOOST_REQUIRE_MESSAGE(t.w.add_file_to_compare(QString::fromStdString(kDemo.string())),
                        t.w.last_error().toStdString());
  BOOST_REQUIRE(
      t.w.add_file_to_compare(QStringLiteral(ARCHSCOPE_FIXTURES "/hf_configs/gemma3-27b.json")));
  BOOST_REQUIRE(t.w.wait_until_idle());
  const studio::CompareModel& m = t.w.compare_model();
  BOOST_REQUIRE(m.columnCount() == 4);
  BOOST_TEST(m.headerData(2, Qt::Horizontal).toString().toStdString() == "stdlib-moe-6m");
  BOOST_TEST(m.headerData(3, Qt::Horizontal).toString().toStdString() == "gemma3-27b");
  // Something that is neither: refused with its file named, the comparison kept.
  BOOST_TEST(!t.w.add_file_to_compare(QStringLiteral(ARCHSCOPE_FIXTURES "/../CMakeLists.txt")));
  BOOST_TEST(t.w.last_error().contains(QStringLiteral("CMakeLists.txt")));
  BOOST_TEST(!t.w.add_file_to_compare(QStringLiteral(ARCHSCOPE_FIXTURES "/no-such-model")));
  BOOST_REQUIRE(t.w.wait_until_idle());
  BOOST_TEST(t.w.compare_model().columnCount() == 4);
}

BOOST_AUTO_TEST_CASE(explain_follows_the_field_and_the_block_with_the_models_numbers) {
  test::Window t;
  BOOST_REQUIRE(t.w.open_file(QString::fromStdString((kDemo / "config.json").string()),
                              QStringLiteral("stdlib-moe-6m")));
  BOOST_REQUIRE(t.w.wait_until_idle());
  // Focusing the top-k field explains MoE routing with the checkpoint's own numbers (its
  // config.json: 8 experts of width 192, 2 per token, in 4 layers).
  t.w.show_page(QStringLiteral("editor"));
  QWidget* top_k = t.w.editor().form().editor("moe.top_k");
  BOOST_REQUIRE(top_k);
  QFocusEvent focus(QEvent::FocusIn, Qt::TabFocusReason);
  QApplication::sendEvent(top_k, &focus);
  BOOST_REQUIRE(t.w.wait_until_idle());
  BOOST_TEST(t.w.explain().topic().toStdString() == "moe-routing");
  const std::string md = t.w.explain().markdown().toStdString();
  BOOST_TEST(md.find("4 layers by 8 experts (d_ff 192") != std::string::npos, md);
  BOOST_TEST(md.find("**2 per token**") != std::string::npos, md);
  // Clicking the embedding block of the diagram explains weight tying (the head is tied).
  t.w.show_page(QStringLiteral("diagram"));
  QApplication::processEvents();
  const auto& layout = t.w.diagram().layouts().at(0);
  const auto embedding = std::find_if(layout.boxes.begin(), layout.boxes.end(),
                                      [](const auto& b) { return b.id == "embedding"; });
  BOOST_REQUIRE(embedding != layout.boxes.end());
  const double margin = 8;  // DiagramWidget's margin at zoom 1
  QTest::mouseClick(&t.w.diagram(), Qt::LeftButton, Qt::NoModifier,
                    QPoint(static_cast<int>(margin + embedding->x + embedding->w / 2),
                           static_cast<int>(margin + embedding->y + embedding->h / 2)));
  BOOST_REQUIRE(t.w.wait_until_idle());
  BOOST_TEST(t.w.explain().topic().toStdString() == "weight-tying");
}

BOOST_AUTO_TEST_SUITE_END()
