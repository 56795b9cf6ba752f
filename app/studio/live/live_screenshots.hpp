// `archscope-studio --screenshot DIR --run [--db PATH]`: runs the open configuration (the Run
// dock's defaults: 32 prompt tokens, 16 new tokens, batch 1) on the first backend, stores the run
// in the database (the CLI's default unless --db), renders the live views while it goes (at least
// 30 frames) and writes DIR/<view>.png for every live view (LiveDocks::view_names()), or the one
// --view names.
#pragma once

#include <QSize>
#include <QString>

namespace archscope::studio {

class MainWindow;

struct LiveScreenshotOptions {
  QString dir;
  QString view;  // one live view, or "" for all
  QSize size{1600, 1000};
  QString db;
  int min_frames = 30;
};

int take_live_screenshots(MainWindow& window, const LiveScreenshotOptions& options);

}  // namespace archscope::studio
