// File ▸ Export: the analysis through the CLI's report writers (views/analysis_report), the
// diagrams as SVG (views/diagram) or PNG (the on-screen painter at 2×). The dialogs ask where;
// export_report_to / export_diagram_to write (tests drive those).
#include <QDir>
#include <QFileDialog>
#include <QMessageBox>
#include <fstream>

#include "analysis_report/analysis_report.hpp"
#include "asset_paths.hpp"
#include "diagram/diagram_svg.hpp"
#include "main_window.hpp"
#include "models/studio_document.hpp"
#include "svg/svg_builder.hpp"
#include "widgets/compare_page.hpp"
#include "widgets/diagram_painter.hpp"
#include "widgets/diagram_widget.hpp"

namespace archscope::studio {

bool MainWindow::export_report_to(const QString& path) {
  if (!current_ || !current_->analysis) {
    last_error_ = tr("Nothing to export: open a valid configuration first.");
    return false;
  }
  try {
    views::write_analysis_report(path.toStdString(), *current_->analysis);
  } catch (const Error& e) {
    last_error_ = QString::fromUtf8(e.what());
    return false;
  }
  return true;
}

bool MainWindow::export_diagram_to(const QString& path, bool comparison) {
  const auto& layouts = comparison ? compare_->diagrams().layouts() : diagram_->layouts();
  if (layouts.empty()) {
    last_error_ = comparison ? tr("Nothing to export: compare two configurations first.")
                             : tr("Nothing to export: open a valid configuration first.");
    return false;
  }
  const bool png = path.endsWith(QStringLiteral(".png"), Qt::CaseInsensitive);
  if (!png && !path.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive)) {
    last_error_ = tr("%1: use a .svg or .png file name").arg(path);
    return false;
  }
  const QString base =
      comparison ? QStringLiteral("comparison") : document_->display_name().section('.', 0, 0);
  bool ok = false;
  if (png) {
    ok = render_layouts(layouts, 2.0).save(path, "PNG");
  } else {
    std::ofstream out(path.toStdString(), std::ios::binary | std::ios::trunc);
    out << svg::standalone(diagram::diagrams_svg(layouts, base.toStdString()));
    ok = static_cast<bool>(out.flush());
  }
  if (!ok) last_error_ = tr("%1: cannot write the file").arg(path);
  return ok;
}

void MainWindow::export_report(const QString& format) {
  if (!current_ || !current_->analysis) {
    QMessageBox::information(this, tr("Nothing to export"),
                             tr("Open a valid configuration first."));
    return;
  }
  const QString filter = format == "html" ? tr("HTML report (*.html)")
                         : format == "md" ? tr("Markdown report (*.md)")
                                          : tr("JSON (*.json)");
  const QString name =
      QString::fromStdString(current_->analysis->config->name) + "-analysis." + format;
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export analysis"), QDir(default_dialog_dir()).filePath(name), filter);
  if (path.isEmpty()) return;
  remember_dialog_dir(path);
  if (!export_report_to(path)) QMessageBox::warning(this, tr("Cannot export"), last_error_);
}

void MainWindow::export_diagram(const QString& format) {
  const bool comparison = format.startsWith(QStringLiteral("compare-"));
  const auto& layouts = comparison ? compare_->diagrams().layouts() : diagram_->layouts();
  if (layouts.empty()) {
    QMessageBox::information(this, tr("Nothing to export"),
                             comparison ? tr("Compare two configurations first.")
                                        : tr("Open a valid configuration first."));
    return;
  }
  const bool png = format.endsWith(QStringLiteral("png"));
  const QString base =
      comparison ? QStringLiteral("comparison") : document_->display_name().section('.', 0, 0);
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export diagram"),
      QDir(default_dialog_dir()).filePath(base + (png ? ".png" : ".svg")),
      png ? tr("PNG image (*.png)") : tr("SVG image (*.svg)"));
  if (path.isEmpty()) return;
  remember_dialog_dir(path);
  if (!export_diagram_to(path, comparison))
    QMessageBox::warning(this, tr("Cannot export"), last_error_);
}

}  // namespace archscope::studio
