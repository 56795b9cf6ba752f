#include "live/live_docks.hpp"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>
#include <QMenuBar>

#include "live/expert_heatmap_panel.hpp"
#include "live/kv_memory_panel.hpp"
#include "live/layer_time_panel.hpp"
#include "live/live_run.hpp"
#include "live/op_timeline_panel.hpp"
#include "live/quant_error_panel.hpp"
#include "live/residual_panel.hpp"
#include "live/roofline_panel.hpp"
#include "live/throughput_panel.hpp"
#include "presets/hardware_catalog.hpp"
#include "vulkan_host/imgui_view.hpp"
#include "widgets/run_panel.hpp"

namespace archscope::studio {

const QStringList& LiveDocks::view_names() {
  static const QStringList names = {
      QStringLiteral("live-layer-time"), QStringLiteral("live-timeline"),
      QStringLiteral("live-throughput"), QStringLiteral("live-kv"),
      QStringLiteral("live-experts"),    QStringLiteral("live-quant"),
      QStringLiteral("live-roofline"),   QStringLiteral("live-residual")};
  return names;
}

LiveDocks::LiveDocks(QMainWindow& window, VulkanHost& host,
                     std::function<std::optional<ModelConfig>()> open_config, QDockWidget* below)
    : QObject(&window), window_(window) {
  run_ = new LiveRun(this);
  panel_ = new RunPanel(*run_, std::move(open_config));
  auto* run_dock = new QDockWidget(tr("Run"), &window);
  run_dock->setObjectName(QStringLiteral("dock-run"));
  run_dock->setWidget(panel_);
  window.addDockWidget(Qt::RightDockWidgetArea, run_dock);
  // A tab beside the summary, not a dock below it: the window keeps its minimum height.
  if (auto* summary = window.findChild<QDockWidget*>(QStringLiteral("dock-summary"))) {
    window.tabifyDockWidget(summary, run_dock);
    summary->raise();
  }

  std::vector<HardwareProfile> profiles;
  try {
    profiles = list_hardware();
  } catch (const std::exception&) {
    // The roofline view says there are none.
  }
  std::vector<std::unique_ptr<LivePanel>> made;
  made.push_back(std::make_unique<LayerTimePanel>(*run_));
  made.push_back(std::make_unique<OpTimelinePanel>(*run_));
  made.push_back(std::make_unique<ThroughputPanel>(*run_));
  made.push_back(std::make_unique<KvMemoryPanel>(*run_));
  made.push_back(std::make_unique<ExpertHeatmapPanel>(*run_));
  made.push_back(std::make_unique<QuantErrorPanel>(*run_));
  made.push_back(std::make_unique<RooflinePanel>(*run_, std::move(profiles)));
  made.push_back(std::make_unique<ResidualPanel>(*run_));
  const QStringList titles = {tr("Layer time"), tr("Op timeline"), tr("Throughput"),
                              tr("KV cache"),   tr("Expert load"), tr("Quantization error"),
                              tr("Roofline"),   tr("Residual RMS")};
  QDockWidget* previous = below;
  for (size_t i = 0; i < made.size(); ++i) {
    panels_.push_back(made[i].get());
    auto* view = new ImGuiView(host, std::move(made[i]));
    view->setObjectName(view_names()[static_cast<int>(i)]);
    view->setMinimumHeight(200);
    views_.push_back(view);
    auto* dock = new QDockWidget(titles[static_cast<int>(i)], &window);
    dock->setObjectName(QStringLiteral("dock-") + view_names()[static_cast<int>(i)]);
    dock->setWidget(view);
    window.addDockWidget(Qt::BottomDockWidgetArea, dock);
    if (previous) window.tabifyDockWidget(previous, dock);
    previous = dock;
    docks_.push_back(dock);
  }
  if (below) below->raise();

  // New events: every live view draws a frame (they also animate while the run goes).
  connect(run_, &LiveRun::updated, this, [this] {
    for (ImGuiView* v : views_) v->schedule();
  });
  connect(panel_, &RunPanel::runStarted, this, [this] { raise_view(view_names().front()); });
  run_dock_ = run_dock;

  QMenu* menu = new QMenu(tr("&Run"), &window);
  QAction* start = menu->addAction(tr("&Run the model"), panel_, [this] { panel_->start_run(); });
  start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  menu->addAction(tr("&Stop"), run_, &LiveRun::stop);
  menu->addAction(tr("&Follow run…"), panel_, &RunPanel::follow_dialog);
  menu->addSeparator();
  menu->addAction(run_dock->toggleViewAction());
  for (QDockWidget* d : docks_) menu->addAction(d->toggleViewAction());
  // Before Help, when the window has one.
  QAction* before = nullptr;
  for (QAction* a : window.menuBar()->actions())
    if (a->text().contains(tr("Help"))) before = a;
  window.menuBar()->insertMenu(before, menu);
}

LiveDocks::~LiveDocks() {
  // Views render from their panels, which read run_: views first, then the run (joins its worker).
  for (ImGuiView* v : views_) delete v;
  views_.clear();
  delete run_;
  run_ = nullptr;
}

ImGuiView* LiveDocks::view(const QString& name) const {
  const auto i = view_names().indexOf(name);
  return i >= 0 ? views_[static_cast<size_t>(i)] : nullptr;
}

LivePanel* LiveDocks::panel(const QString& name) const {
  const auto i = view_names().indexOf(name);
  return i >= 0 ? panels_[static_cast<size_t>(i)] : nullptr;
}

ExpertHeatmapPanel& LiveDocks::heatmap() const {
  return static_cast<ExpertHeatmapPanel&>(*panels_[4]);
}

void LiveDocks::show_run_dock() {
  run_dock_->show();
  run_dock_->raise();
}

void LiveDocks::raise_view(const QString& name) {
  const auto i = view_names().indexOf(name);
  if (i < 0) return;
  docks_[static_cast<size_t>(i)]->show();
  docks_[static_cast<size_t>(i)]->raise();
}

void LiveDocks::set_dock_height(int height) {
  QList<QDockWidget*> docks;
  QList<int> sizes;
  for (QDockWidget* d : docks_) {
    docks << d;
    sizes << height;
  }
  window_.resizeDocks(docks, sizes, Qt::Vertical);
}

}  // namespace archscope::studio
