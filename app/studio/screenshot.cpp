#include "screenshot.hpp"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QPainter>
#include <QTabWidget>
#include <cstdio>

#include "main_window.hpp"
#include "vulkan_host/imgui_view.hpp"
#include "widgets/compare_page.hpp"
#include "widgets/diagram_widget.hpp"
#include "widgets/explain_panel.hpp"
#include "widgets/run_screenshots.hpp"
#include "widgets/summary_panel.hpp"

namespace archscope::studio {

const QStringList& screenshot_views() {
  static const QStringList views = {QStringLiteral("window"),  QStringLiteral("presets"),
                                    QStringLiteral("editor"),  QStringLiteral("summary"),
                                    QStringLiteral("diagram"), QStringLiteral("compare"),
                                    QStringLiteral("explain"), QStringLiteral("layer-chart"),
                                    QStringLiteral("runs"),    QStringLiteral("run-compare")};
  return views;
}

namespace {

void raise_dock_of(QWidget* content) {
  for (QWidget* w = content; w; w = w->parentWidget()) {
    if (auto* dock = qobject_cast<QDockWidget*>(w)) {
      dock->show();
      dock->raise();
      return;
    }
  }
}

void settle(MainWindow& w) {
  for (int i = 0; i < 5; ++i) QApplication::processEvents();
  w.wait_until_idle();
  for (int i = 0; i < 5; ++i) QApplication::processEvents();
}

// The whole window; ImGui views drawn through a swapchain are not in QWidget::grab(), so their
// frames are painted in at their place.
QImage window_image(MainWindow& w) {
  QImage image = w.grab().toImage();
  if (ImGuiView* view = w.layer_chart(); view && view->isVisible()) {
    const QImage chart = view->grab_view();
    if (!chart.isNull()) {
      QPainter p(&image);
      p.drawImage(QRect(view->mapTo(&w, QPoint(0, 0)), view->size()), chart);
    }
  }
  return image;
}

QImage view_image(MainWindow& w, const QString& view, const std::vector<int64_t>& runs) {
  if (view == "window") {
    // The editor beside the summary, or the comparison when one was asked for.
    w.show_page(w.compare().diagrams().layouts().empty() ? QStringLiteral("editor")
                                                         : QStringLiteral("compare"));
    settle(w);
    return window_image(w);
  }
  if (view == "summary") {
    raise_dock_of(&w.summary());
    settle(w);
    return w.summary().grab().toImage();
  }
  if (view == "explain") {
    raise_dock_of(&w.explain());
    settle(w);
    return w.explain().grab().toImage();
  }
  if (view == "layer-chart") {
    return w.layer_chart() ? w.layer_chart()->grab_view() : QImage();
  }
  if (view == "runs" || view == "run-compare") {
    w.show_page(QStringLiteral("runs"));
    prepare_runs_view(w.runs(), view == "run-compare", runs);
    settle(w);
    return w.tabs().grab().toImage();
  }
  w.show_page(view);
  settle(w);
  // Diagrams are grabbed whole, not just the part the scroll area shows.
  if (view == "diagram") return w.diagram().grab().toImage();
  if (view == "compare") {
    w.compare().fit_width();
    settle(w);
    return w.compare().grab().toImage();
  }
  return w.tabs().grab().toImage();
}

}  // namespace

int take_screenshots(MainWindow& w, const ScreenshotOptions& o, const std::vector<int64_t>& runs) {
  const QStringList& all = screenshot_views();
  if (!o.view.isEmpty() && !all.contains(o.view)) {
    std::fprintf(stderr, "archscope-studio: error: --view: unknown view '%s'; use one of %s\n",
                 qPrintable(o.view), qPrintable(all.join(QStringLiteral(", "))));
    return 2;
  }
  if (!QDir().mkpath(o.dir)) {
    std::fprintf(stderr, "archscope-studio: error: %s: cannot create the folder\n",
                 qPrintable(o.dir));
    return 1;
  }
  w.resize(o.size);
  w.show();
  settle(w);
  if (!w.last_error().isEmpty()) {
    std::fprintf(stderr, "archscope-studio: error: %s\n", qPrintable(w.last_error()));
    return 2;
  }
  const QStringList views = o.view.isEmpty() ? all : QStringList{o.view};
  for (const QString& view : views) {
    const QImage image = view_image(w, view, runs);
    const QString path = QDir(o.dir).filePath(view + ".png");
    if (image.isNull()) {
      std::fprintf(stderr, "archscope-studio: %s: nothing to render (%s)\n", qPrintable(view),
                   w.layer_chart() ? qPrintable(w.layer_chart()->status()) : "no view");
      continue;
    }
    if (!image.save(path, "PNG", 0)) {  // 0: the smallest file (PNG stays lossless)
      std::fprintf(stderr, "archscope-studio: error: %s: cannot write\n", qPrintable(path));
      return 1;
    }
    std::printf("%s\n", qPrintable(path));
  }
  return 0;
}

}  // namespace archscope::studio
