// `archscope-studio --screenshot DIR`: renders the main views off screen and writes one PNG per
// view (window, presets, editor, summary, diagram, compare, explain, layer-chart, runs,
// run-compare), for the tests
// and the documentation. Runs on Qt's offscreen platform unless a platform is chosen.
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

namespace archscope::studio {

class MainWindow;

struct ScreenshotOptions {
  QString dir;
  QString view;  // one view, or "" for all
  QSize size{1600, 1000};
};

const QStringList& screenshot_views();
// Waits for the window's analyses, renders, writes DIR/<view>.png and prints each path. Returns
// the process exit code (2 for an unknown view, 1 when a file cannot be written). `runs`: the
// stored runs the `runs` view opens (the first) and `run-compare` compares; default the newest
// run, and the two newest runs.
int take_screenshots(MainWindow& window, const ScreenshotOptions& options,
                     const std::vector<int64_t>& runs = {});

}  // namespace archscope::studio
