#include "main_window.hpp"

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QPointer>
#include <QScrollArea>
#include <QSettings>
#include <QTabWidget>
#include <QTimer>

#include "asset_paths.hpp"
#include "charts/analysis_charts.hpp"
#include "diagram/diagram_diff.hpp"
#include "diagram/diagram_layout.hpp"
#include "explain/explain_figures.hpp"
#include "live/layer_chart_panel.hpp"
#include "live/live_docks.hpp"
#include "models/compare_model.hpp"
#include "models/layer_table_model.hpp"
#include "models/preset_model.hpp"
#include "models/studio_document.hpp"
#include "models/summary_model.hpp"
#include "presets/hardware_catalog.hpp"
#include "presets/preset_dir.hpp"
#include "summary/preset_rows.hpp"
#include "vulkan_host/imgui_view.hpp"
#include "vulkan_host/vulkan_context.hpp"  // first: qvulkaninstance.h defines VK_NO_PROTOTYPES
#include "vulkan_host/vulkan_host.hpp"
#include "widgets/compare_page.hpp"
#include "widgets/diagram_widget.hpp"
#include "widgets/editor_page.hpp"
#include "widgets/explain_panel.hpp"
#include "widgets/presets_page.hpp"
#include "widgets/runs_page.hpp"
#include "widgets/summary_panel.hpp"
#include "widgets/whatif_bar.hpp"

namespace archscope::studio {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), vulkan_(VulkanHost::create()) {
  setObjectName(QStringLiteral("main-window"));
  setWindowTitle(QStringLiteral("archscope-studio[*]"));
  setAcceptDrops(true);
  document_ = new StudioDocument(this);
  preset_model_ = new PresetModel(this);
  summary_model_ = new SummaryModel(this);
  layer_model_ = new LayerTableModel(this);
  compare_model_ = new CompareModel(this);
  field_diff_model_ = new FieldDiffModel(this);
  build_pages();
  build_docks();
  build_menus();
  live_ = new LiveDocks(
      *this, *vulkan_,
      [this]() -> std::optional<ModelConfig> {
        if (!document_->doc().valid()) return std::nullopt;
        return document_->config();
      },
      findChild<QDockWidget*>(QStringLiteral("dock-layer-chart")));
  load_hardware_profiles();
  restore_settings();
  connect(document_, &StudioDocument::changed, this, &MainWindow::document_changed);
  connect(document_, &StudioDocument::message, this,
          [this](const QString& text) { summary_->set_status(text, true); });
  connect(&summary_->whatif(), &WhatIfBar::changed, this, [this] {
    request_analysis();
    request_compare();
  });
  load_presets();
  document_changed();
}

MainWindow::~MainWindow() {
  // Jobs hold only copies and QPointers; let them finish before the widgets they report to go.
  worker_.wait_idle();
  // Child widgets die after the members, but ImGui views need the Vulkan device (vulkan_).
  delete live_;
  live_ = nullptr;
  delete chart_view_;
  chart_view_ = nullptr;
}

void MainWindow::build_pages() {
  tabs_ = new QTabWidget(this);
  tabs_->setObjectName(QStringLiteral("pages"));
  tabs_->setDocumentMode(true);
  presets_ = new PresetsPage(*preset_model_, tabs_);
  editor_ = new EditorPage(*document_, *layer_model_, tabs_);
  auto* scroll = new QScrollArea(tabs_);
  scroll->setBackgroundRole(QPalette::Base);
  diagram_ = new DiagramWidget;
  diagram_->setObjectName(QStringLiteral("diagram"));
  scroll->setWidget(diagram_);
  compare_ = new ComparePage(*compare_model_, *field_diff_model_, tabs_);
  tabs_->addTab(presets_, tr("&Presets"));
  tabs_->addTab(editor_, tr("&Editor"));
  tabs_->addTab(scroll, tr("&Diagram"));
  tabs_->addTab(compare_, tr("C&ompare"));
  runs_ = new RunsPage(tabs_);
  tabs_->addTab(runs_, tr("&Runs"));
  setCentralWidget(tabs_);

  connect(presets_, &PresetsPage::openRequested, this, [this](const QString& path) {
    if (open_file(path)) show_page(QStringLiteral("editor"));
  });
  connect(presets_, &PresetsPage::openModelRequested, this,
          [this](const QString& config, const QString& name) {
            if (open_file(config, name)) show_page(QStringLiteral("editor"));
          });
  connect(presets_, &PresetsPage::compareRequested, this, &MainWindow::compare_files);
  connect(compare_, &ComparePage::clearRequested, this, &MainWindow::clear_compare);
  connect(compare_, &ComparePage::addCurrentRequested, this, [this] {
    if (document_->doc().valid()) add_to_compare(document_->display_name(), document_->config());
  });
}

void MainWindow::build_docks() {
  const auto dock = [this](const QString& id, const QString& title, QWidget* content,
                           Qt::DockWidgetArea area) {
    auto* d = new QDockWidget(title, this);
    d->setObjectName(id);  // saveState() keys on it
    d->setWidget(content);
    addDockWidget(area, d);
    docks_.push_back(d);
    return d;
  };
  summary_ = new SummaryPanel(*summary_model_, *layer_model_);
  dock(QStringLiteral("dock-summary"), tr("Summary"), summary_, Qt::RightDockWidgetArea);
  explain_ = new ExplainPanel(worker_);
  QDockWidget* explain_dock =
      dock(QStringLiteral("dock-explain"), tr("Explain"), explain_, Qt::RightDockWidgetArea);
  auto panel = std::make_unique<LayerChartPanel>();
  chart_panel_ = panel.get();
  chart_view_ = new ImGuiView(*vulkan_, std::move(panel));
  chart_view_->setObjectName(QStringLiteral("layer-chart"));
  chart_view_->setMinimumHeight(200);
  dock(QStringLiteral("dock-layer-chart"), tr("Per-layer chart"), chart_view_,
       Qt::BottomDockWidgetArea);
  tabifyDockWidget(docks_.front(), explain_dock);
  docks_.front()->raise();

  connect(summary_, &SummaryPanel::topicRequested, this,
          [this, explain_dock](const QString& topic) {
            explain_->show_topic(topic);
            explain_dock->raise();
          });
  connect(editor_, &EditorPage::fieldFocused, this, [this](const QString& path) {
    const std::string topic = explain::topic_for_field(path.toStdString());
    if (!topic.empty()) explain_->show_topic(QString::fromStdString(topic));
  });
  connect(diagram_, &DiagramWidget::blockClicked, this,
          [this, explain_dock](int, const QString& id) {
            if (!current_ || !current_->analysis) return;
            const auto& d = current_->diagram;
            std::string topic;
            if (id == QStringLiteral("embedding") || id == QStringLiteral("head")) {
              topic = explain::topic_for_block(id.toStdString(), AttentionKind::Full, false);
            } else {
              const QStringList parts = id.split('.');
              const size_t item = parts.value(1).toULong(), block = parts.value(2).toULong();
              if (item < d.stack.size() && block < d.stack[item].blocks.size()) {
                const auto& b = d.stack[item].blocks[block];
                topic = explain::topic_for_block("layers", b.attention, b.moe);
              }
            }
            if (!topic.empty()) {
              explain_->show_topic(QString::fromStdString(topic));
              explain_dock->raise();
            }
          });
}

void MainWindow::show_page(const QString& name) {
  static const QStringList pages = {QStringLiteral("presets"), QStringLiteral("editor"),
                                    QStringLiteral("diagram"), QStringLiteral("compare"),
                                    QStringLiteral("runs")};
  const int i = static_cast<int>(pages.indexOf(name));
  if (i >= 0) tabs_->setCurrentIndex(i);
}

void MainWindow::load_hardware_profiles() {
  QStringList names;
  try {
    hardware_ = list_hardware();
    for (const auto& h : hardware_) names << QString::fromStdString(h.name);
  } catch (const Error& e) {
    summary_->set_status(
        tr("Hardware profiles could not be read: %1").arg(QString::fromUtf8(e.what())), true);
  }
  summary_->whatif().set_hardware_names(names);
}

std::optional<HardwareProfile> MainWindow::selected_hardware() const {
  const QString name = summary_->whatif().hardware();
  for (const auto& h : hardware_)
    if (QString::fromStdString(h.name) == name) return h;
  return std::nullopt;
}

void MainWindow::load_presets() {
  presets_pending_ = true;
  presets_->set_loading(true);
  QPointer<MainWindow> self(this);
  worker_.post("presets", [self] {
    std::vector<summary::PresetRow> rows;
    std::string failure;
    try {
      rows = summary::load_preset_rows(preset_dir(), false);
    } catch (const Error& e) {
      failure = e.what();
    }
    for (auto& r : summary::load_model_rows(models_dir())) rows.push_back(std::move(r));
    for (auto& r : summary::load_preset_rows(user_preset_dir(), true)) rows.push_back(std::move(r));
    QMetaObject::invokeMethod(qApp, [self, rows = std::move(rows), failure]() mutable {
      if (!self) return;
      self->preset_model_->set_rows(std::move(rows));
      self->presets_pending_ = false;
      if (!failure.empty())
        self->summary_->set_status(
            tr("Presets could not be read: %1").arg(QString::fromStdString(failure)), true);
      Q_EMIT self->presetsLoaded();
    });
  });
}

void MainWindow::document_changed() {
  setWindowModified(document_->doc().modified());
  setWindowTitle(document_->display_name() + QStringLiteral("[*] — archscope-studio"));
  if (undo_) {
    undo_->setEnabled(document_->doc().can_undo());
    undo_->setText(QString::fromStdString(document_->doc().undo_label()));
    redo_->setEnabled(document_->doc().can_redo());
    redo_->setText(QString::fromStdString(document_->doc().redo_label()));
  }
  request_analysis();
}

void MainWindow::request_analysis() {
  const auto& doc = document_->doc();
  if (!doc.valid()) {
    // No figures for a configuration that breaks a rule; the last valid ones stay, marked as such.
    ++analysis_requested_;
    analysis_delivered_ = analysis_requested_;
    const QString error =
        QString::fromStdString(doc.error()->where() + ": " + doc.error()->message());
    summary_->set_status(
        current_
            ? tr("Not recomputed — %1 (the figures are the last valid configuration's)").arg(error)
            : tr("No figures until the configuration is valid — %1").arg(error),
        true);
    return;
  }
  summary::AnalysisInput input{doc.config(), summary_->whatif().options(), selected_hardware()};
  const long id = ++analysis_requested_;
  QPointer<MainWindow> self(this);
  worker_.post("analysis", [self, id, input = std::move(input)] {
    auto result = std::make_shared<const summary::AnalysisResult>(summary::compute_analysis(input));
    QMetaObject::invokeMethod(qApp, [self, id, result] {
      if (!self || id != self->analysis_requested_) return;  // a newer edit is on its way
      self->analysis_delivered_ = id;
      self->show_result(result);
    });
  });
}

void MainWindow::show_result(std::shared_ptr<const summary::AnalysisResult> r) {
  if (r->error) {
    summary_->set_status(tr("Analysis failed — %1").arg(QString::fromUtf8(r->error->what())), true);
    return;
  }
  current_ = r;
  summary_model_->set_analysis(r->json);
  layer_model_->set_analysis(r->json);
  diagram_->set_layouts({diagram::layout_diagram(r->diagram)});
  const ModelConfig& c = *r->analysis->config;
  chart_panel_->set_charts(r->layer_charts, c.name + " · " + r->diagram.caption);
  chart_view_->schedule();
  explain_->set_analysis(r->analysis);
  QStringList warnings;
  for (const auto& w : summary::warnings(r->json)) warnings << QString::fromStdString(w);
  summary_->set_warnings(warnings);
  summary_->set_status(tr("%1 · %2 layers · computed in %3 ms off the UI thread")
                           .arg(QString::fromStdString(c.name))
                           .arg(c.n_layers)
                           .arg(r->seconds * 1e3, 0, 'f', 1),
                       false);
  Q_EMIT analysisUpdated();
}

void MainWindow::request_compare() {
  if (compare_entries_.empty()) return;
  std::vector<summary::AnalysisInput> inputs;
  QStringList labels;
  for (const auto& e : compare_entries_) {
    inputs.push_back({e.config, summary_->whatif().options(), selected_hardware()});
    labels << e.label;
  }
  const long id = ++compare_requested_;
  QPointer<MainWindow> self(this);
  worker_.post("compare", [self, id, inputs = std::move(inputs), labels] {
    std::vector<summary::AnalysisResult> results;
    for (const auto& in : inputs) results.push_back(summary::compute_analysis(in));
    QMetaObject::invokeMethod(qApp, [self, id, labels, results = std::move(results)] {
      if (!self || id != self->compare_requested_) return;
      self->compare_delivered_ = id;
      std::vector<nlohmann::json> jsons;
      std::vector<diagram::BlockDiagram> diagrams;
      std::vector<const ModelConfig*> configs;
      QStringList failures;
      for (size_t i = 0; i < results.size(); ++i) {
        if (results[i].error)
          failures << labels[static_cast<int>(i)] + ": " +
                          QString::fromUtf8(results[i].error->what());
        jsons.push_back(results[i].json);
        diagrams.push_back(results[i].diagram);
        configs.push_back(&self->compare_entries_[i].config);
      }
      self->compare_model_->set_analyses(labels, std::move(jsons));
      self->field_diff_model_->set_rows(labels, diagram::diff_fields(configs), true);
      const auto changed = diagram::diff_diagrams(diagrams);
      std::vector<diagram::DiagramLayout> layouts;
      for (size_t i = 0; i < diagrams.size(); ++i)
        layouts.push_back(diagram::layout_diagram(diagrams[i], changed[i]));
      self->compare_->diagrams().set_layouts(std::move(layouts));
      self->compare_->fit_width();
      QString title = tr("Comparing %1 — highlighted: what differs from %2")
                          .arg(labels.join(QStringLiteral(", ")), labels.front());
      if (!failures.isEmpty()) title += "\n" + failures.join('\n');
      self->compare_->set_title(title);
      Q_EMIT self->compareUpdated();
    });
  });
}

bool MainWindow::wait_until_idle(int timeout_ms) {
  QElapsedTimer clock;
  clock.start();
  while (clock.elapsed() < timeout_ms) {
    QApplication::processEvents(QEventLoop::AllEvents, 20);
    const bool busy = analysis_delivered_ != analysis_requested_ ||
                      compare_delivered_ != compare_requested_ || presets_pending_ ||
                      explain_->busy();
    if (!busy) return true;
  }
  return false;
}

}  // namespace archscope::studio
