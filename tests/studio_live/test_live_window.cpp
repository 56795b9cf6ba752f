// The live views in the real main window, offscreen and (studio_live_xvfb) on Xvfb swapchains with
// lavapipe: a qwen3-moe-mini run started from the Run dock renders live frames and is stored in
// the database; the heatmap has the model's MoE layers × experts, counted in its pixels; a run
// written by a separate `archscope run` process is followed from the database; a quick click on a
// live view registers within the frames of its press and release; `archscope-studio --screenshot
// DIR --run` writes every live view, none blank.
#include <QElapsedTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QWindow>
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "live/expert_heatmap_panel.hpp"
#include "live/live_docks.hpp"
#include "live/live_run.hpp"
#include "live/quant_error_panel.hpp"
#include "models/studio_document.hpp"
#include "presets/preset_catalog.hpp"
#include "store/run_store.hpp"
#include "studio/qt_fixture.hpp"
#include "studio/studio_support.hpp"
#include "vulkan_host/imgui_view.hpp"
#include "widgets/run_panel.hpp"

using namespace archscope;
namespace fs = std::filesystem;

namespace {

bool vulkan_required() {
  return qEnvironmentVariable("ARCHSCOPE_REQUIRE_VULKAN") == "1";
}

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("archscope-live-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
  QString db() const { return QString::fromStdString((dir / "runs.db").string()); }
};

// False (with a message) when this machine has no Vulkan and the test may skip.
bool can_render(studio::ImGuiView* view) {
  if (view->can_render()) return true;
  BOOST_TEST_REQUIRE(!vulkan_required(), view->status().toStdString());
  BOOST_TEST_MESSAGE("skipped: " << view->status().toStdString());
  return false;
}

// Renders `view` until it drew `frames` more frames (it animates while the run goes).
long render_frames(studio::ImGuiView* view, long frames, int timeout_ms = 30000) {
  const long start = view->frames();
  QElapsedTimer clock;
  clock.start();
  while (view->frames() - start < frames && clock.elapsed() < timeout_ms) {
    view->schedule();
    QTest::qWait(5);
  }
  return view->frames() - start;
}

// Runs of cells along a line of the image: pixels that differ from `background`, separated by it.
int runs_along(const QImage& img, QPoint from, QPoint to, QRgb background) {
  int runs = 0;
  bool inside = false;
  const int n = std::max(std::abs(to.x() - from.x()), std::abs(to.y() - from.y()));
  for (int i = 0; i <= n; ++i) {
    const int x = from.x() + (to.x() - from.x()) * i / std::max(1, n);
    const int y = from.y() + (to.y() - from.y()) * i / std::max(1, n);
    const bool cell = img.pixel(x, y) != background;
    if (cell && !inside) ++runs;
    inside = cell;
  }
  return runs;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(live_window)

BOOST_AUTO_TEST_CASE(a_moe_run_from_the_app_renders_live_frames_and_is_stored) {
  Scratch scratch;
  test::Window t;
  BOOST_REQUIRE(t.w.open_preset("qwen3-moe-mini"));
  BOOST_REQUIRE(t.w.wait_until_idle());
  studio::LiveDocks& live = t.w.live();
  live.raise_view(QStringLiteral("live-experts"));
  studio::ImGuiView* view = live.view(QStringLiteral("live-experts"));
  BOOST_REQUIRE(view);
  live.run_panel().set_source(QString());  // the open configuration
  live.run_panel().set_tokens(16, 12);
  live.run_panel().set_db(scratch.db());
  BOOST_REQUIRE_MESSAGE(live.run_panel().start_run(), live.run_panel().status_text().toStdString());
  BOOST_TEST(live.run().active());  // start_run returned at once: the model builds on a worker
  QSignalSpy frames(view, &studio::ImGuiView::frameRendered);
  BOOST_REQUIRE(live.run().wait_finished(60000));
  const views::live::LiveState& s = live.run().state();
  BOOST_TEST(s.failure.empty(), s.failure);
  BOOST_TEST(s.finished);
  // 16 prompt tokens in one prefill chunk, then 12 decode steps.
  BOOST_TEST(s.total_steps == 13);
  BOOST_TEST(s.steps_done == 13);
  BOOST_TEST(s.events_dropped == 0u);
  // Stored: the database the Run dock named holds the run, complete, with every step.
  auto store = prof::store::RunStore::open_read_only(scratch.db().toStdString());
  const prof::RunInfo info = store.get_run(live.run().run_id());
  BOOST_TEST(prof::to_string(info.status) == std::string("complete"));
  BOOST_TEST(info.model == "qwen3-moe-mini");
  BOOST_TEST(store.load_steps(info.id).size() == 13u);
  // The quantization view tells what the run has instead of drawing numbers it has not.
  auto* quant = static_cast<studio::QuantErrorPanel*>(live.panel(QStringLiteral("live-quant")));
  BOOST_TEST(quant->note().find("no quantized weights in this run") == 0u);
  if (!can_render(view)) return;
  render_frames(view, 30);
  BOOST_TEST(frames.count() >= 30);
  // The heatmap: the model's MoE layers × experts, from its configuration.
  const ModelConfig config = load_preset("qwen3-moe-mini", ARCHSCOPE_PRESETS);
  int moe_layers = 0;
  for (int64_t l = 0; l < config.n_layers; ++l) moe_layers += is_moe_layer(config, l) ? 1 : 0;
  studio::ExpertHeatmapPanel& heat = live.heatmap();
  const QImage image = view->grab_view();
  BOOST_REQUIRE(!image.isNull());
  BOOST_TEST(heat.rows_drawn() == moe_layers);
  BOOST_TEST(heat.columns_drawn() == config.moe.experts);
  // Counted in the pixels: one run of cell colour per expert across the first row, one per layer
  // down the first column, background between them.
  const QImage img = image.convertToFormat(QImage::Format_RGB32);
  const qreal k = image.devicePixelRatio();
  const auto g = heat.grid_rect();
  const int y_mid = static_cast<int>((g.y + g.h / moe_layers / 2) * k);
  const int x_mid = static_cast<int>((g.x + g.w / config.moe.experts / 2) * k);
  const QRgb background = img.pixel(static_cast<int>((g.x - 3) * k), y_mid);
  BOOST_TEST(runs_along(img, {static_cast<int>(g.x * k), y_mid},
                        {static_cast<int>((g.x + g.w) * k) - 1, y_mid},
                        background) == config.moe.experts);
  BOOST_TEST(runs_along(img, {x_mid, static_cast<int>(g.y * k)},
                        {x_mid, static_cast<int>((g.y + g.h) * k) - 1}, background) == moe_layers);
  // Every live view draws something.
  for (const QString& name : studio::LiveDocks::view_names()) {
    live.raise_view(name);
    render_frames(live.view(name), 1);  // exposed and drawn since it was raised
    const QImage shot = live.view(name)->grab_view();
    BOOST_TEST(test::distinct_colours(shot) > 3u, name.toStdString());
  }
}

BOOST_AUTO_TEST_CASE(stop_interrupts_the_run_and_bad_options_are_refused) {
  Scratch scratch;
  test::Window t;
  BOOST_REQUIRE(t.w.open_preset("qwen3-moe-mini"));
  BOOST_REQUIRE(t.w.wait_until_idle());
  studio::LiveDocks& live = t.w.live();
  live.run_panel().set_db(scratch.db());
  // Zero prompt tokens (the form's spin box cannot say it; a caller can): refused before anything
  // is stored, naming the option as the CLI does.
  prof::RunOptions bad = live.run_panel().options();
  bad.prompt = 0;
  BOOST_TEST(!live.run().start(t.w.document().config(), bad, scratch.db()));
  BOOST_TEST(live.run().error().contains(QStringLiteral("--prompt")),
             live.run().error().toStdString());
  BOOST_TEST(!live.run().active());
  BOOST_TEST(!fs::exists(scratch.dir / "runs.db"));
  // A long run, stopped after its first decode step: stored as interrupted.
  live.run_panel().set_tokens(8, 100000);
  BOOST_REQUIRE(live.run_panel().start_run());
  QElapsedTimer clock;
  clock.start();
  while (live.run().state().decode.steps < 1 && clock.elapsed() < 60000) QTest::qWait(5);
  BOOST_REQUIRE(live.run().state().decode.steps >= 1);
  live.run().stop();
  BOOST_REQUIRE(live.run().wait_finished(60000));
  BOOST_TEST(live.run().state().finished);
  auto store = prof::store::RunStore::open_read_only(scratch.db().toStdString());
  BOOST_TEST(prof::to_string(store.get_run(live.run().run_id()).status) ==
             std::string("interrupted"));
  BOOST_TEST(live.run().state().steps_done < 1000);
}

BOOST_AUTO_TEST_CASE(closing_the_window_during_a_run_stores_it_interrupted) {
  Scratch scratch;
  int64_t id = 0;
  {
    test::Window t;
    BOOST_REQUIRE(t.w.open_preset("qwen3-moe-mini"));
    BOOST_REQUIRE(t.w.wait_until_idle());
    studio::LiveDocks& live = t.w.live();
    live.run_panel().set_db(scratch.db());
    live.run_panel().set_tokens(8, 100000);
    BOOST_REQUIRE(live.run_panel().start_run());
    QElapsedTimer clock;
    clock.start();
    while (live.run().state().decode.steps < 1 && clock.elapsed() < 60000) QTest::qWait(5);
    BOOST_REQUIRE(live.run().state().decode.steps >= 1);
    id = live.run().run_id();
  }  // the window goes while the run decodes: it stops the run and waits for its worker
  auto store = prof::store::RunStore::open_read_only(scratch.db().toStdString());
  BOOST_TEST(prof::to_string(store.get_run(id).status) == std::string("interrupted"));
  BOOST_TEST(!store.load_steps(id).empty());
}

BOOST_AUTO_TEST_CASE(follows_a_run_written_by_archscope_run) {
  Scratch scratch;
  test::Window t;
  studio::LiveDocks& live = t.w.live();
  QProcess cli;
  cli.start(QStringLiteral(ARCHSCOPE_CLI), {"run", "--preset", "qwen3-moe-mini", "--prompt", "16",
                                            "--new", "24", "--json", "--db", scratch.db()});
  BOOST_REQUIRE(cli.waitForStarted());
  // The run's row appears once the CLI created it; follow it from then on.
  int64_t id = 0;
  QElapsedTimer clock;
  clock.start();
  while (id == 0 && clock.elapsed() < 60000) {
    try {
      auto store = prof::store::RunStore::open_read_only(scratch.db().toStdString());
      const auto runs = store.list_runs();
      if (!runs.empty()) id = runs.front().id;
    } catch (const std::exception&) {
      // Not created yet.
    }
    if (id == 0) QTest::qWait(20);
  }
  BOOST_REQUIRE(id > 0);
  BOOST_REQUIRE_MESSAGE(live.run().follow(scratch.db(), id), live.run().error().toStdString());
  BOOST_TEST(live.run().following());
  BOOST_REQUIRE(live.run().wait_finished(60000));
  if (cli.state() != QProcess::NotRunning) BOOST_REQUIRE(cli.waitForFinished(60000));
  BOOST_TEST(cli.exitStatus() == QProcess::NormalExit);
  BOOST_TEST(cli.exitCode() == 0, cli.readAllStandardError().toStdString());
  const views::live::LiveState& s = live.run().state();
  BOOST_TEST(s.finished);
  BOOST_TEST(s.failure.empty(), s.failure);
  BOOST_TEST(s.run.id == id);
  // Every step the other process stored was folded: 1 prefill + 24 decode steps.
  auto store = prof::store::RunStore::open_read_only(scratch.db().toStdString());
  BOOST_TEST(store.load_steps(id).size() == 25u);
  BOOST_TEST(s.steps_done == 25);
  BOOST_TEST(s.decode.steps == 24);
  // Expert counts summed over the run equal the database's.
  std::map<int32_t, std::vector<int64_t>> sums;
  for (const auto& r : store.load_expert_counts(id)) {
    auto& v = sums[r.layer];
    v.resize(r.tokens_per_expert.size(), 0);
    for (size_t i = 0; i < v.size(); ++i) v[i] += r.tokens_per_expert[i];
  }
  BOOST_TEST(!sums.empty());
  BOOST_TEST((s.experts_cumulative == sums));
  BOOST_TEST(live.run_panel().status_text().contains(QStringLiteral("following")));
}

BOOST_AUTO_TEST_CASE(a_quick_click_on_a_live_view_registers_within_one_frame) {
  test::Window t;
  studio::LiveDocks& live = t.w.live();
  live.raise_view(QStringLiteral("live-experts"));
  studio::ImGuiView* view = live.view(QStringLiteral("live-experts"));
  if (!can_render(view)) return;
  render_frames(view, 3);
  studio::ExpertHeatmapPanel& heat = live.heatmap();
  BOOST_REQUIRE(heat.button_rects().size() == 2u);
  BOOST_TEST(!heat.cumulative());
  const auto r = heat.button_rects()[1];  // "Cumulative"
  const QPoint at(static_cast<int>(r.x + r.w / 2), static_cast<int>(r.y + r.h / 2));
  if (QWindow* window = view->surface_window()) {
    QTest::mouseClick(window, Qt::LeftButton, Qt::NoModifier, at);
  } else {
    QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, at);
  }
  const long before = view->frames();
  while (!heat.cumulative() && view->frames() < before + 3) view->grab_view();
  BOOST_TEST(heat.cumulative());
  BOOST_TEST(view->frames() - before <= 2);  // the press's frame, then the release's
}

BOOST_AUTO_TEST_CASE(screenshot_run_writes_every_live_view) {
  Scratch scratch;
  const fs::path shots = scratch.dir / "shots";
  QProcess p;
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert(QStringLiteral("XDG_CONFIG_HOME"),
             QString::fromStdString((scratch.dir / "config").string()));
  env.insert(QStringLiteral("XDG_DATA_HOME"),
             QString::fromStdString((scratch.dir / "data").string()));
  p.setProcessEnvironment(env);
  const fs::path studio = fs::path(ARCHSCOPE_CLI).parent_path() / "archscope-studio";
  p.start(QString::fromStdString(studio.string()),
          {"--screenshot", QString::fromStdString(shots.string()), "--preset", "qwen3-moe-mini",
           "--run", "--db", scratch.db(), "--size", "1000x700"});
  BOOST_REQUIRE(p.waitForFinished(120000));
  const QString err = QString::fromUtf8(p.readAllStandardError());
  BOOST_TEST_REQUIRE(p.exitCode() == 0, err.toStdString());
  BOOST_TEST(err.contains(QStringLiteral("stored in ") + scratch.db()), err.toStdString());
  auto store = prof::store::RunStore::open_read_only(scratch.db().toStdString());
  BOOST_TEST(store.list_runs().size() == 1u);
  const QStringList printed =
      QString::fromUtf8(p.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts);
  if (printed.isEmpty()) {  // no Vulkan here: the app said so for each view
    BOOST_TEST(!vulkan_required(), err.toStdString());
    return;
  }
  BOOST_TEST(printed.size() == studio::LiveDocks::view_names().size());
  for (const QString& name : studio::LiveDocks::view_names()) {
    QImage image;
    BOOST_REQUIRE_MESSAGE(
        image.load(QString::fromStdString((shots / (name.toStdString() + ".png")).string())),
        name.toStdString());
    BOOST_TEST(image.width() >= 900, name.toStdString());
    BOOST_TEST(test::distinct_colours(image) > 20u, name.toStdString());
  }
  // An unknown live view is refused.
  QProcess bad;
  bad.setProcessEnvironment(env);
  bad.start(QString::fromStdString(studio.string()),
            {"--screenshot", QString::fromStdString(shots.string()), "--preset", "qwen3-moe-mini",
             "--run", "--view", "nosuch"});
  BOOST_REQUIRE(bad.waitForFinished(60000));
  BOOST_TEST(bad.exitCode() == 2);
}

BOOST_AUTO_TEST_SUITE_END()
