// The window as a user meets it: two presets compared, diagrams drawn, the ImGui chart rendering
// frames (swapchain under xvfb, offscreen images otherwise) and taking a quick click, screenshots
// of every view that are not blank, drag and drop of a Hugging Face config.json, a saved preset,
// and the layout remembered across sessions.
#include <QDropEvent>
#include <QFileInfo>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QUrl>
#include <QWindow>
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "asset_paths.hpp"
#include "hf/hf_import.hpp"
#include "live/layer_chart_panel.hpp"
#include "models/compare_model.hpp"
#include "models/preset_model.hpp"
#include "models/studio_document.hpp"
#include "presets/preset_catalog.hpp"
#include "screenshot.hpp"
#include "studio/qt_fixture.hpp"
#include "studio/studio_support.hpp"
#include "vulkan_host/imgui_view.hpp"
#include "vulkan_host/vulkan_host.hpp"
#include "widgets/compare_page.hpp"
#include "widgets/diagram_widget.hpp"
#include "widgets/summary_panel.hpp"
#include "widgets/whatif_bar.hpp"

using namespace archscope;

namespace {
bool vulkan_required() {
  return qEnvironmentVariable("ARCHSCOPE_REQUIRE_VULKAN") == "1";
}
bool surface_required() {
  return qEnvironmentVariable("ARCHSCOPE_REQUIRE_SURFACE") == "1";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(window)

BOOST_AUTO_TEST_CASE(two_presets_compared_and_drawn) {
  test::Window t;
  BOOST_REQUIRE(t.w.open_preset("deepseek-v3"));
  BOOST_REQUIRE(t.w.wait_until_idle());
  BOOST_TEST(t.w.preset_model().preset_count() >= 41);
  t.w.add_to_compare(QStringLiteral("deepseek-v3"), t.w.document().config());
  t.w.add_to_compare(QStringLiteral("gemma3-27b"), load_preset("gemma3-27b", ARCHSCOPE_PRESETS));
  BOOST_REQUIRE(t.w.wait_until_idle());
  BOOST_TEST(t.w.compare().diagrams().layouts().size() == 2u);
  BOOST_TEST(t.w.compare_model().columnCount() == 3);
  BOOST_TEST(t.w.field_diff_model().rowCount() > 20);
  const QImage diagram = t.w.diagram().grab().toImage();
  BOOST_TEST(test::distinct_colours(diagram) > 20u);
  BOOST_TEST(test::has_colour(diagram, QColor(0xfd, 0xef, 0xe2)));  // MLA blocks' fill
  const QImage compared = t.w.compare().diagrams().grab().toImage();
  BOOST_TEST(test::has_colour(compared, QColor(0xe7, 0xf5, 0xe6)));  // Gemma's sliding blocks
  BOOST_TEST(test::has_colour(compared, QColor(0xff, 0xe9, 0x8a)));  // what differs, highlighted
}

BOOST_AUTO_TEST_CASE(the_imgui_chart_renders_frames_and_takes_a_quick_click) {
  test::Window t;
  BOOST_REQUIRE(t.w.open_preset("gemma3-27b"));
  BOOST_REQUIRE(t.w.wait_until_idle());
  studio::ImGuiView* view = t.w.layer_chart();
  BOOST_REQUIRE(view);
  if (!view->can_render()) {
    BOOST_TEST_REQUIRE(!vulkan_required(), view->status().toStdString());
    BOOST_TEST_MESSAGE("skipped: " << view->status().toStdString());
    return;
  }
  BOOST_TEST_MESSAGE("ImGui views: " << view->status().toStdString());
  if (surface_required()) BOOST_TEST((t.w.vulkan().mode() == studio::VulkanHost::Mode::Surface));
  // At least 30 frames, each asked for the way the app does when data changes.
  QSignalSpy frames(view, &studio::ImGuiView::frameRendered);
  QElapsedTimer clock;
  clock.start();
  while (frames.count() < 30 && clock.elapsed() < 30000) {
    view->schedule();
    QTest::qWait(5);
  }
  BOOST_TEST(frames.count() >= 30);
  const QImage first = view->grab_view();
  BOOST_REQUIRE(!first.isNull());
  BOOST_TEST(test::distinct_colours(first) > 50u);
  studio::LayerChartPanel& panel = *t.w.layer_chart_panel();
  BOOST_REQUIRE(panel.button_rects().size() == 5u);
  const auto r = panel.button_rects()[4];
  const QPoint at(static_cast<int>(r.x + r.w / 2), static_cast<int>(r.y + r.h / 2));
  if (QWindow* window = view->surface_window()) {
    QTest::mouseClick(window, Qt::LeftButton, Qt::NoModifier, at);
  } else {
    QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, at);
  }
  const long before = view->frames();
  while (panel.selected() != 4 && view->frames() < before + 3) view->grab_view();
  BOOST_TEST(panel.selected() == 4);
  BOOST_TEST(view->frames() - before <= 2);  // the press's frame, then the release's
}

BOOST_AUTO_TEST_CASE(screenshots_of_every_view_are_not_blank) {
  test::Window t;
  BOOST_REQUIRE(t.w.open_preset("llama4-maverick"));
  t.w.wait_until_idle();
  t.w.add_to_compare(QStringLiteral("llama4-maverick"), t.w.document().config());
  t.w.add_to_compare(QStringLiteral("llama4-scout"),
                     load_preset("llama4-scout", ARCHSCOPE_PRESETS));
  const auto dir =
      std::filesystem::temp_directory_path() / ("archscope-shots-" + std::to_string(::getpid()));
  BOOST_REQUIRE(studio::take_screenshots(
                    t.w, {QString::fromStdString(dir.string()), QString(), QSize(1400, 900)}) == 0);
  for (const QString& view : studio::screenshot_views()) {
    const auto path = dir / (view.toStdString() + ".png");
    if (view == "layer-chart" && !t.w.layer_chart()->can_render()) {
      BOOST_TEST(!vulkan_required());
      continue;
    }
    QImage image;
    BOOST_REQUIRE_MESSAGE(image.load(QString::fromStdString(path.string())), path.string());
    BOOST_TEST(image.width() > 100, view.toStdString());
    BOOST_TEST(test::distinct_colours(image) > 40u, view.toStdString());
  }
  std::filesystem::remove_all(dir);
  BOOST_TEST(studio::take_screenshots(t.w, {QString::fromStdString(dir.string()),
                                            QStringLiteral("nosuch"), QSize()}) == 2);
}

BOOST_AUTO_TEST_CASE(dropping_a_hugging_face_config_opens_it) {
  test::Window t;
  const QString path = QStringLiteral(ARCHSCOPE_FIXTURES "/hf_configs/gemma3-27b.json");
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(path)});
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&t.w, &enter);
  BOOST_TEST(enter.isAccepted());
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&t.w, &drop);
  BOOST_REQUIRE(t.w.wait_until_idle());
  BOOST_TEST((t.w.document().config() == import_hf_config_file(path.toStdString())));
  BOOST_TEST(test::summary_value(t.w, "/params/total", summary::Format::Params) == "27009346304");
  // A file that is neither: an error, nothing lost.
  const ModelConfig before = t.w.document().config();
  BOOST_TEST(!t.w.open_file(QStringLiteral(ARCHSCOPE_FIXTURES "/../CMakeLists.txt")));
  BOOST_TEST(!t.w.last_error().isEmpty());
  BOOST_TEST((t.w.document().config() == before));
}

BOOST_AUTO_TEST_CASE(save_as_preset_lists_it_under_my_presets) {
  test::Window t;
  BOOST_REQUIRE(t.w.open_preset("qwen3-8b"));
  test::type_into(t.w, "n_layers", "24");
  BOOST_REQUIRE(t.w.save_as_preset(QStringLiteral("qwen3-8b-24-layers")));
  BOOST_REQUIRE(t.w.wait_until_idle());
  BOOST_TEST(std::filesystem::exists(studio::user_preset_dir() / "qwen3-8b-24-layers.json"));
  BOOST_TEST(t.w.preset_model().index(0, 0).data().toString().toStdString() == "My presets (1)");
  BOOST_TEST(!t.w.save_as_preset(QStringLiteral("../escape")));
}

BOOST_AUTO_TEST_CASE(opened_files_are_recent_and_the_last_one_reopens) {
  test::Window t;
  const QString hf = QFileInfo(QStringLiteral(ARCHSCOPE_FIXTURES "/hf_configs/gemma3-27b.json"))
                         .absoluteFilePath();
  const QString demo =
      QFileInfo(QStringLiteral(ARCHSCOPE_SOURCE_DIR "/assets/models/stdlib-moe-6m/config.json"))
          .absoluteFilePath();
  BOOST_REQUIRE(t.w.open_file(hf));
  BOOST_REQUIRE(t.w.open_file(demo, QStringLiteral("stdlib-moe-6m")));
  const QStringList recent = QSettings().value(QStringLiteral("recent_files")).toStringList();
  BOOST_REQUIRE(recent.size() >= 2);
  BOOST_TEST(recent[0].toStdString() == demo.toStdString());
  BOOST_TEST(recent[1].toStdString() == hf.toStdString());
  BOOST_TEST(QSettings().value(QStringLiteral("last_file")).toString().toStdString() ==
             demo.toStdString());
  BOOST_REQUIRE(t.w.open_file(hf));  // opened again: first, once
  const QStringList again = QSettings().value(QStringLiteral("recent_files")).toStringList();
  BOOST_TEST(again[0].toStdString() == hf.toStdString());
  BOOST_TEST(again.count(hf) == 1);
}

BOOST_AUTO_TEST_CASE(layout_and_what_if_are_remembered) {
  {
    test::Window t;
    t.w.summary().whatif().set_state(
        [] {
          AnalysisOptions o;
          o.context = 32768;
          o.batch = 4;
          o.kv = DType::FP8;
          return o;
        }(),
        QStringLiteral("h200"));
    t.w.resize(1234, 777);
    t.w.close();
  }
  test::Window again;
  const AnalysisOptions o = again.w.summary().whatif().options();
  BOOST_TEST(o.context == 32768);
  BOOST_TEST(o.batch == 4);
  BOOST_TEST((o.kv == DType::FP8));
  BOOST_TEST(again.w.summary().whatif().hardware().toStdString() == "h200");
  BOOST_TEST(QSettings().contains(QStringLiteral("window/state")));
}

BOOST_AUTO_TEST_SUITE_END()
