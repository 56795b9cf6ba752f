// `archscope-studio --frame-time [--view NAME] [--size WxH] --config F`: the live views' frame-time
// benchmark (docs/studio.md). Shows the window with one live view filling it, runs the open
// configuration (32 prompt tokens, `new_tokens` decode steps, one engine thread so the renderer
// keeps a core), and while the run goes renders the view continuously, timing every frame. Prints
// the frame count, the median, 10th and 90th percentile frame times, fps at the median, the view's
// size in device pixels and the Vulkan device.
#pragma once

#include <QSize>
#include <QString>

namespace archscope::studio {

class MainWindow;

struct FrameTimeOptions {
  QString view = QStringLiteral("live-experts");
  QSize size{1600, 1000};
  QString db;
  int new_tokens = 256;
  int max_seconds = 30;  // the run is stopped then
};

int measure_frame_time(MainWindow& window, const FrameTimeOptions& options);

}  // namespace archscope::studio
