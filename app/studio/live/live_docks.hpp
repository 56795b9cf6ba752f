// The live part of the main window: the Run dock (widgets/run_panel), one dock per live view
// (ImGui on Vulkan, tabbed together at the bottom beside the per-layer chart) and the Run menu
// (Run, Stop, Follow run…). It owns the LiveRun the views draw. The main window creates it with
// one line and deletes it before its Vulkan host.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>
#include <vector>

#include "config/model_config.hpp"

class QDockWidget;
class QMainWindow;

namespace archscope::studio {

class ExpertHeatmapPanel;
class ImGuiView;
class LivePanel;
class LiveRun;
class RunPanel;
class VulkanHost;

class LiveDocks : public QObject {
  Q_OBJECT
 public:
  // `below` is the dock the live views are tabbed with (the per-layer chart), may be null.
  LiveDocks(QMainWindow& window, VulkanHost& host,
            std::function<std::optional<ModelConfig>()> open_config, QDockWidget* below);
  ~LiveDocks() override;

  LiveRun& run() { return *run_; }
  RunPanel& run_panel() { return *panel_; }
  // The live views, in the order of view_names().
  const std::vector<ImGuiView*>& views() const { return views_; }
  ImGuiView* view(const QString& name) const;
  LivePanel* panel(const QString& name) const;
  ExpertHeatmapPanel& heatmap() const;
  // "live-layer-time", "live-timeline", "live-throughput", "live-kv", "live-experts",
  // "live-quant", "live-roofline", "live-residual": the screenshot file names without .png.
  static const QStringList& view_names();
  // Shows the Run dock in front of its tab group (beside the summary).
  void show_run_dock();
  // Shows a live view's dock in front of its tab group.
  void raise_view(const QString& name);
  // Gives the bottom dock area `height` pixels (screenshots of the live views).
  void set_dock_height(int height);

 private:
  QMainWindow& window_;
  LiveRun* run_ = nullptr;
  RunPanel* panel_ = nullptr;
  std::vector<ImGuiView*> views_;
  std::vector<LivePanel*> panels_;
  std::vector<QDockWidget*> docks_;
  QDockWidget* run_dock_ = nullptr;
};

}  // namespace archscope::studio
