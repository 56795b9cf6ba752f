// The runs browser's dialogs and exports: choosing a database file, and writing the selected run
// or runs through RunDatabase::export_to (the CLI's writers).
#include <QApplication>
#include <QFileDialog>
#include <QSettings>

#include "widgets/runs_page.hpp"

namespace archscope::studio {

namespace {
QString error_text(const std::exception& e) {
  return QString::fromUtf8(e.what());
}
}  // namespace

bool RunsPage::export_runs(const std::vector<int64_t>& ids, RunExport format, const QString& path) {
  QApplication::setOverrideCursor(Qt::WaitCursor);
  bool ok = false;
  try {
    db_->export_to(ids, format, std::filesystem::path(path.toStdString()));
    ok = true;
  } catch (const std::exception& e) {
    fail(tr("Export failed: %1").arg(error_text(e)));
  }
  QApplication::restoreOverrideCursor();
  return ok;
}

void RunsPage::choose_database_dialog() {
  const QString path =
      QFileDialog::getOpenFileName(this, tr("Open Run Database"), database(),
                                   tr("Run databases (*.db *.sqlite);;All files (*)"));
  if (path.isEmpty()) return;
  QSettings().setValue(QString::fromLatin1(kDatabaseSetting), path);
  set_database(path);
}

void RunsPage::export_dialog(RunExport format, bool markdown) {
  const std::vector<int64_t> ids = selected_ids();
  if (ids.empty()) return;
  QString suffix, filter;
  switch (format) {
    case RunExport::Report:
      suffix = markdown ? QStringLiteral("md") : QStringLiteral("html");
      filter = markdown ? tr("Markdown (*.md)") : tr("HTML (*.html *.htm)");
      break;
    case RunExport::Csv:
      suffix = QStringLiteral("csv");
      filter = tr("CSV (*.csv)");
      break;
    case RunExport::Json:
    case RunExport::ComparisonJson:
      suffix = QStringLiteral("json");
      filter = tr("JSON (*.json)");
      break;
    case RunExport::ChromeTrace:
      suffix = QStringLiteral("trace.json");
      filter = tr("Chrome / Perfetto trace (*.json)");
      break;
    case RunExport::ComparisonText:
      suffix = QStringLiteral("txt");
      filter = tr("Text (*.txt)");
      break;
  }
  QStringList stem;
  for (int64_t id : ids) stem << QString::number(id);
  const QString name = (ids.size() == 1 ? QStringLiteral("run-") : QStringLiteral("runs-")) +
                       stem.join('-') + '.' + suffix;
  const QString path = QFileDialog::getSaveFileName(this, tr("Export"), name, filter);
  if (!path.isEmpty()) export_runs(ids, format, path);
}

}  // namespace archscope::studio
