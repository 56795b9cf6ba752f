// Menus, shortcuts, recent files and the remembered window layout of the main window.
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileInfo>
#include <QKeySequence>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QTabWidget>

#include "common/version.hpp"
#include "main_window.hpp"
#include "models/studio_document.hpp"
#include "vulkan_host/vulkan_host.hpp"
#include "widgets/diagram_widget.hpp"
#include "widgets/presets_page.hpp"
#include "widgets/runs_page.hpp"
#include "widgets/summary_panel.hpp"
#include "widgets/whatif_bar.hpp"

namespace archscope::studio {

namespace {
constexpr int kMaxRecent = 10;
}

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open…"), this, &MainWindow::open_dialog);
  open->setShortcut(QKeySequence::Open);
  file->addAction(tr("&Import Hugging Face config.json…"), this, &MainWindow::import_dialog)
      ->setShortcut(QKeySequence(tr("Ctrl+I")));
  recent_menu_ = file->addMenu(tr("Open &Recent"));
  file->addAction(tr("Open Run &Database…"), this, [this] {
    show_page(QStringLiteral("runs"));
    runs_->choose_database_dialog();
  });
  file->addSeparator();
  file->addAction(tr("&Save"), this, &MainWindow::save)->setShortcut(QKeySequence::Save);
  file->addAction(tr("Save &As…"), this, &MainWindow::save_as)->setShortcut(QKeySequence::SaveAs);
  file->addAction(tr("Save as &Preset…"), this, &MainWindow::save_preset_dialog);
  file->addSeparator();
  QMenu* exports = file->addMenu(tr("&Export"));
  exports->addAction(tr("Analysis as &HTML…"), this,
                     [this] { export_report(QStringLiteral("html")); });
  exports->addAction(tr("Analysis as &Markdown…"), this,
                     [this] { export_report(QStringLiteral("md")); });
  exports->addAction(tr("Analysis as &JSON…"), this,
                     [this] { export_report(QStringLiteral("json")); });
  exports->addSeparator();
  exports->addAction(tr("Diagram as &SVG…"), this,
                     [this] { export_diagram(QStringLiteral("svg")); });
  exports->addAction(tr("Diagram as &PNG…"), this,
                     [this] { export_diagram(QStringLiteral("png")); });
  exports->addAction(tr("&Comparison diagrams as SVG…"), this,
                     [this] { export_diagram(QStringLiteral("compare-svg")); });
  exports->addAction(tr("Comparison diagrams as P&NG…"), this,
                     [this] { export_diagram(QStringLiteral("compare-png")); });
  file->addSeparator();
  file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  undo_ = edit->addAction(tr("Undo"), document_, &StudioDocument::undo);
  undo_->setShortcut(QKeySequence::Undo);
  redo_ = edit->addAction(tr("Redo"), document_, &StudioDocument::redo);
  redo_->setShortcut(QKeySequence::Redo);
  edit->addSeparator();
  edit->addAction(tr("&Find Preset"), this,
                  [this] {
                    show_page(QStringLiteral("presets"));
                    presets_->search().setFocus();
                    presets_->search().selectAll();
                  })
      ->setShortcut(QKeySequence::Find);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (const char* page : {"presets", "editor", "diagram", "compare", "runs"}) {
    const QString name = QString::fromLatin1(page);
    QAction* a = view->addAction(name.left(1).toUpper() + name.mid(1), this,
                                 [this, name] { show_page(name); });
    a->setShortcut(QKeySequence(QStringLiteral("Alt+%1").arg(view->actions().size())));
  }
  view->addSeparator();
  for (QDockWidget* d : docks_) view->addAction(d->toggleViewAction());
  view->addSeparator();
  view->addAction(tr("Zoom &In"), this, [this] { diagram_->set_zoom(diagram_->zoom() * 1.25); })
      ->setShortcut(QKeySequence::ZoomIn);
  view->addAction(tr("Zoom &Out"), this, [this] { diagram_->set_zoom(diagram_->zoom() / 1.25); })
      ->setShortcut(QKeySequence::ZoomOut);
  view->addAction(tr("&Actual Size"), this, [this] { diagram_->set_zoom(1.0); })
      ->setShortcut(QKeySequence(tr("Ctrl+0")));
  view->addSeparator();
  view->addAction(tr("&Reset Layout"), this, [this] {
    for (QDockWidget* d : docks_) {
      d->setFloating(false);
      d->show();
    }
    addDockWidget(Qt::RightDockWidgetArea, docks_[0]);
    addDockWidget(Qt::RightDockWidgetArea, docks_[1]);
    tabifyDockWidget(docks_[0], docks_[1]);
    addDockWidget(Qt::BottomDockWidgetArea, docks_[2]);
    docks_[0]->raise();
  });
  QAction* full = view->addAction(tr("&Full Screen"), this,
                                  [this] { isFullScreen() ? showNormal() : showFullScreen(); });
  full->setShortcut(QKeySequence::FullScreen);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About archscope-studio"), this, [this] {
    QMessageBox::about(
        this, tr("About archscope-studio"),
        tr("<b>archscope-studio</b> %1 (%2)<br/>LLM architecture explorer and profiler.<br/><br/>"
           "Figures: the analytic plan, the same as <tt>archscope analyze --json</tt>.<br/>"
           "ImGui views: %3<br/>Qt %4")
            .arg(QString::fromLatin1(archscope_version()),
                 QString::fromLatin1(archscope_git_revision()),
                 QString::fromStdString(vulkan_->describe()).toHtmlEscaped(),
                 QString::fromLatin1(qVersion())));
  });
  update_recent_menu();
}

void MainWindow::update_recent_menu() {
  recent_menu_->clear();
  const QStringList files = QSettings().value(QStringLiteral("recent_files")).toStringList();
  for (const QString& f : files) {
    recent_menu_->addAction(
        QFileInfo(f).fileName() + QStringLiteral("  —  ") + QFileInfo(f).absolutePath(), this,
        [this, f] { open_file(f); });
  }
  if (files.isEmpty()) recent_menu_->addAction(tr("(none)"))->setEnabled(false);
  recent_menu_->addSeparator();
  recent_menu_->addAction(tr("Clear"), this, [this] {
    QSettings().remove(QStringLiteral("recent_files"));
    update_recent_menu();
  });
}

void MainWindow::add_recent(const QString& path) {
  QSettings settings;
  QStringList files = settings.value(QStringLiteral("recent_files")).toStringList();
  const QString abs = QFileInfo(path).absoluteFilePath();
  files.removeAll(abs);
  files.prepend(abs);
  while (files.size() > kMaxRecent) files.removeLast();
  settings.setValue(QStringLiteral("recent_files"), files);
  // What the next start opens when given nothing: also an imported config.json, which the
  // document does not keep as its path.
  settings.setValue(QStringLiteral("last_file"), abs);
  update_recent_menu();
}

namespace {
constexpr int kWindowStateVersion = 1;  // 1: the Run dock and the live views' docks
}  // namespace

void MainWindow::restore_settings() {
  QSettings s;
  if (!restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray())) resize(1500, 950);
  // A layout saved before the live docks existed would squeeze them: such a state is not restored.
  restoreState(s.value(QStringLiteral("window/state")).toByteArray(), kWindowStateVersion);
  AnalysisOptions o;
  o.context = s.value(QStringLiteral("whatif/context"), 4096).toLongLong();
  o.batch = s.value(QStringLiteral("whatif/batch"), 1).toLongLong();
  o.weights = parse_dtype(s.value(QStringLiteral("whatif/weights"), QStringLiteral("bf16"))
                              .toString()
                              .toStdString())
                  .value_or(DType::BF16);
  o.kv = parse_dtype(
             s.value(QStringLiteral("whatif/kv"), QStringLiteral("bf16")).toString().toStdString())
             .value_or(DType::BF16);
  o.quant_group_size = s.value(QStringLiteral("whatif/group"), 0).toLongLong();
  summary_->whatif().set_state(
      o, s.value(QStringLiteral("whatif/hardware"), QStringLiteral("h100-sxm")).toString());
  tabs_->setCurrentIndex(s.value(QStringLiteral("window/page"), 0).toInt());
}

void MainWindow::save_settings() {
  QSettings s;
  s.setValue(QStringLiteral("window/geometry"), saveGeometry());
  s.setValue(QStringLiteral("window/state"), saveState(kWindowStateVersion));
  s.setValue(QStringLiteral("window/page"), tabs_->currentIndex());
  const AnalysisOptions o = summary_->whatif().options();
  s.setValue(QStringLiteral("whatif/context"), static_cast<qlonglong>(o.context));
  s.setValue(QStringLiteral("whatif/batch"), static_cast<qlonglong>(o.batch));
  s.setValue(QStringLiteral("whatif/weights"), QString::fromLatin1(to_string(o.weights)));
  s.setValue(QStringLiteral("whatif/kv"), QString::fromLatin1(to_string(o.kv)));
  s.setValue(QStringLiteral("whatif/group"), static_cast<qlonglong>(o.quant_group_size));
  s.setValue(QStringLiteral("whatif/hardware"), summary_->whatif().hardware());
  if (!document_->path().isEmpty()) s.setValue(QStringLiteral("last_file"), document_->path());
}

}  // namespace archscope::studio
