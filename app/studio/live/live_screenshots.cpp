#include "live/live_screenshots.hpp"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <cstdio>

#include "live/live_docks.hpp"
#include "live/live_run.hpp"
#include "main_window.hpp"
#include "vulkan_host/imgui_view.hpp"
#include "widgets/run_panel.hpp"

namespace archscope::studio {

namespace {
void pump(int rounds = 5) {
  for (int i = 0; i < rounds; ++i) QApplication::processEvents(QEventLoop::AllEvents, 5);
}
}  // namespace

int take_live_screenshots(MainWindow& w, const LiveScreenshotOptions& o) {
  const QStringList& all = LiveDocks::view_names();
  if (!o.view.isEmpty() && !all.contains(o.view)) {
    std::fprintf(stderr, "archscope-studio: error: --view: with --run, use one of %s\n",
                 qPrintable(all.join(QStringLiteral(", "))));
    return 2;
  }
  if (!QDir().mkpath(o.dir)) {
    std::fprintf(stderr, "archscope-studio: error: %s: cannot create the folder\n",
                 qPrintable(o.dir));
    return 1;
  }
  w.resize(o.size);
  w.show();
  pump();
  w.wait_until_idle();
  if (!w.last_error().isEmpty()) {
    std::fprintf(stderr, "archscope-studio: error: %s\n", qPrintable(w.last_error()));
    return 2;
  }
  LiveDocks& live = w.live();
  // The live views alone fill the window: the pages and the side docks step aside.
  if (w.centralWidget()) w.centralWidget()->hide();
  for (QDockWidget* d : w.findChildren<QDockWidget*>())
    if (w.dockWidgetArea(d) != Qt::BottomDockWidgetArea) d->hide();
  live.raise_view(o.view.isEmpty() ? QStringLiteral("live-experts") : o.view);
  pump();
  live.run_panel().set_source(QString());  // the open configuration
  live.run_panel().set_db(o.db);
  if (!live.run_panel().start_run()) {
    std::fprintf(stderr, "archscope-studio: error: %s\n",
                 qPrintable(live.run_panel().status_text()));
    return 2;
  }
  LiveRun& run = live.run();
  ImGuiView* shown = live.view(o.view.isEmpty() ? QStringLiteral("live-experts") : o.view);
  const long start_frames = shown->frames();
  QElapsedTimer clock;
  clock.start();
  // Live frames while the run goes; at least min_frames of the shown view in all.
  while ((run.active() || shown->frames() - start_frames < o.min_frames) &&
         clock.elapsed() < 600000) {
    if (!run.active()) shown->schedule();
    QApplication::processEvents(QEventLoop::AllEvents, 5);
    if (!shown->can_render() && !run.active()) break;
  }
  const views::live::LiveState& s = run.state();
  if (!run.error().isEmpty() || !s.failure.empty()) {
    std::fprintf(
        stderr, "archscope-studio: error: the run failed: %s\n",
        qPrintable(run.error().isEmpty() ? QString::fromStdString(s.failure) : run.error()));
    return 1;
  }
  std::fprintf(stderr, "archscope-studio: run %lld stored in %s; %ld live frames\n",
               static_cast<long long>(run.run_id()), qPrintable(run.db_path()),
               shown->frames() - start_frames);
  for (const QString& name : o.view.isEmpty() ? all : QStringList{o.view}) {
    ImGuiView* v = live.view(name);
    const long before = v->frames();
    live.raise_view(name);
    // On screen the raised view must be exposed and draw the run before its swapchain image is
    // read back (a loaded machine may take a while); offscreen grab_view renders anyway.
    QElapsedTimer wait;
    wait.start();
    v->schedule();
    while (v->frames() <= before && v->can_render() && wait.elapsed() < 10000) {
      QApplication::processEvents(QEventLoop::AllEvents, 10);
      v->schedule();
    }
    pump();
    const QImage image = v->grab_view();
    const QString path = QDir(o.dir).filePath(name + ".png");
    if (image.isNull()) {
      std::fprintf(stderr, "archscope-studio: %s: nothing to render (%s)\n", qPrintable(name),
                   qPrintable(live.view(name)->status()));
      continue;
    }
    if (!image.save(path, "PNG", 0)) {
      std::fprintf(stderr, "archscope-studio: error: %s: cannot write\n", qPrintable(path));
      return 1;
    }
    std::printf("%s\n", qPrintable(path));
  }
  return 0;
}

}  // namespace archscope::studio
