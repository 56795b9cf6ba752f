#include "live/frame_time.hpp"

#include <time.h>
#include <unistd.h>

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "live/expert_heatmap_panel.hpp"
#include "live/live_docks.hpp"
#include "live/live_run.hpp"
#include "main_window.hpp"
#include "vulkan_host/imgui_view.hpp"
#include "vulkan_host/vulkan_host.hpp"
#include "widgets/run_panel.hpp"

namespace archscope::studio {

namespace {
// CPU seconds of each of this process's threads, summed by thread name (/proc/self/task/*/stat:
// utime + stime), so the benchmark tells the view's cost (the UI thread, lavapipe's threads) from
// the engine's.
std::map<std::string, double> thread_cpu_seconds() {
  std::map<std::string, double> out;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream comm(task.path() / "comm"), stat(task.path() / "stat");
    std::string name, line;
    std::getline(comm, name);
    std::getline(stat, line);
    const size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(line.substr(close + 2));
    std::string f;
    std::vector<std::string> v;
    while (fields >> f) v.push_back(f);
    if (v.size() < 13) continue;  // fields 3.. ; utime is field 14, stime 15
    out[name] += (std::stod(v[11]) + std::stod(v[12])) / tick;
  }
  return out;
}
}  // namespace

int measure_frame_time(MainWindow& w, const FrameTimeOptions& o) {
  LiveDocks& live = w.live();
  ImGuiView* view = live.view(o.view);
  if (!view) {
    std::fprintf(stderr, "archscope-studio: error: --view: use one of %s\n",
                 qPrintable(LiveDocks::view_names().join(QStringLiteral(", "))));
    return 2;
  }
  w.resize(o.size);
  w.show();
  w.wait_until_idle();
  if (w.centralWidget()) w.centralWidget()->hide();
  for (QDockWidget* d : w.findChildren<QDockWidget*>())
    if (w.dockWidgetArea(d) != Qt::BottomDockWidgetArea) d->hide();
  live.raise_view(o.view);
  for (int i = 0; i < 10; ++i) QApplication::processEvents(QEventLoop::AllEvents, 10);
  if (!view->can_render()) {
    std::fprintf(stderr, "archscope-studio: error: %s\n", qPrintable(view->status()));
    return 1;
  }
  // Offscreen images (no window system, e.g. a GPU machine without a display): frames back to back,
  // so the interval between them is what one costs (ImGui, draw, GPU, read-back, Qt paint), not
  // the 16 ms pause that paces them in the app. On-screen swapchains are paced by presentation.
  view->set_offscreen_frame_gap(0);
  RunPanel& panel = live.run_panel();
  panel.set_source(QString());
  panel.set_tokens(32, o.new_tokens);
  panel.set_db(o.db);
  panel.set_threads(1);
  QElapsedTimer clock;
  std::vector<double> stamps, cpu;
  const auto thread_cpu_ms = [] {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
  };
  QObject::connect(view, &ImGuiView::frameRendered, view, [&] {
    // Frames of the run's decode only: the model build and prefill are not what the view costs.
    if (live.run().state().decode.steps > 0 && live.run().active()) {
      stamps.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
      cpu.push_back(thread_cpu_ms());
    }
  });
  if (!panel.start_run()) {
    std::fprintf(stderr, "archscope-studio: error: %s\n", qPrintable(panel.status_text()));
    return 2;
  }
  clock.start();
  std::map<std::string, double> cpu_start;
  bool sampled = false;
  while (live.run().active()) {
    if (!sampled && !stamps.empty()) {
      cpu_start = thread_cpu_seconds();
      sampled = true;
    }
    QApplication::processEvents(QEventLoop::AllEvents, 5);
    if (clock.elapsed() > o.max_seconds * 1000) live.run().stop();
  }
  const std::map<std::string, double> cpu_end = thread_cpu_seconds();
  std::vector<double> dt;
  for (size_t i = 1; i < stamps.size(); ++i) dt.push_back(stamps[i] - stamps[i - 1]);
  if (dt.size() < 10) {
    std::fprintf(stderr, "archscope-studio: error: only %zu frames during the run\n", dt.size());
    return 1;
  }
  // The UI thread's CPU time per frame: ImGui, the draw lists, Qt, and with LP_NUM_THREADS=0
  // lavapipe's rasterisation too. What the view costs whatever else runs on the machine.
  const double cpu_per_frame = (cpu.back() - cpu.front()) / static_cast<double>(cpu.size() - 1);
  std::sort(dt.begin(), dt.end());
  const auto pct = [&](double p) {
    return dt[static_cast<size_t>(p * static_cast<double>(dt.size() - 1))];
  };
  const qreal k = view->devicePixelRatioF();
  const auto& heat = live.heatmap();
  std::printf("view %s, %dx%d device pixels, %s%s\n", qPrintable(o.view),
              static_cast<int>(view->width() * k), static_cast<int>(view->height() * k),
              qPrintable(view->status()),
              view->surface_window() ? "" : " rendered back to back (unpaced)");
  if (o.view == QStringLiteral("live-experts"))
    std::printf("heatmap %d layers x %d experts\n", heat.rows_drawn(), heat.columns_drawn());
  std::printf(
      "%zu frames during %lld decode steps: median %.2f ms (%.1f fps), p10 %.2f ms, p90 %.2f ms\n",
      dt.size() + 1, static_cast<long long>(live.run().state().decode.steps), pct(0.5),
      1e3 / pct(0.5), pct(0.1), pct(0.9));
  std::printf("UI thread CPU per frame %.2f ms\n", cpu_per_frame);
  // Every thread's CPU over the measured frames, by name: the engine's worker is the run, the
  // rest (the UI thread, lavapipe's llvmpipe-N and queue threads, X) is what the views cost.
  std::printf("CPU seconds by thread over the measured frames:");
  for (const auto& [name, end] : cpu_end) {
    const auto it = cpu_start.find(name);
    const double used = end - (it != cpu_start.end() ? it->second : 0.0);
    if (used >= 0.01) std::printf(" %s %.2f", name.c_str(), used);
  }
  std::printf("\n");
  return 0;
}

}  // namespace archscope::studio
