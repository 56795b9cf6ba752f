// Opening, importing, saving and comparing configurations: file dialogs, drag and drop, "save as
// preset" and the close question. Every failure is shown with the error's file and JSON path.
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMessageBox>
#include <QMimeData>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSettings>

#include "asset_paths.hpp"
#include "config/config_json.hpp"
#include "config/json_text.hpp"
#include "hf/hf_import.hpp"
#include "main_window.hpp"
#include "models/compare_model.hpp"
#include "models/studio_document.hpp"
#include "presets/preset_catalog.hpp"
#include "widgets/compare_page.hpp"
#include "widgets/diagram_widget.hpp"

namespace archscope::studio {

namespace {

// An archscope model file has "format": "archscope.model/1"; anything else is taken for a Hugging
// Face config.json. Both readers name the file and field of the first problem. With `lenient`, an
// archscope file that reads but breaks a rule between fields opens anyway, so the editor can show
// the rule at its field and the user fix it. `hf` (when given) tells which of the two it was.
ModelConfig read_model_file(const std::string& path, bool lenient = false, bool* hf = nullptr) {
  const nlohmann::json j = read_json_file(path);
  const bool archscope_file = j.is_object() && j.contains("format");
  if (hf) *hf = !archscope_file;
  if (archscope_file) return lenient ? read_config_json(j, path) : config_from_json(j, path);
  // A Hugging Face config.json: named as `import-hf` names it (the directory or file name).
  ModelConfig config = import_hf_config(j, std::filesystem::path(path).filename().string());
  name_imported_model(config, j, path);
  return config;
}

QString error_text(const Error& e) {
  return QString::fromUtf8(e.what());
}

}  // namespace

bool MainWindow::open_file(const QString& path, const QString& name) {
  if (!confirm_discard()) return false;
  try {
    bool hf = false;
    ModelConfig config = read_model_file(path.toStdString(), /*lenient=*/true, &hf);
    if (!name.isEmpty()) config.name = name.toStdString();
    // A Hugging Face config.json is imported, not edited in place: Save asks where to write the
    // archscope file instead of overwriting the checkpoint's config.json with another format.
    document_->open(std::move(config), hf ? QString() : path);
    add_recent(path);
    return true;
  } catch (const Error& e) {
    if (interactive_) QMessageBox::warning(this, tr("Cannot open"), error_text(e));
    last_error_ = error_text(e);
    return false;
  }
}

bool MainWindow::open_preset(const QString& name) {
  try {
    const ModelConfig config = load_preset(name.toStdString());
    if (!confirm_discard()) return false;
    document_->open(config, QString());
    return true;
  } catch (const Error& e) {
    if (interactive_) QMessageBox::warning(this, tr("Cannot open preset"), error_text(e));
    last_error_ = error_text(e);
    return false;
  }
}

bool MainWindow::import_hf(const QString& path) {
  if (!confirm_discard()) return false;
  try {
    document_->open(import_hf_config_file(path.toStdString()),
                    QString());  // not saved as archscope yet
    return true;
  } catch (const Error& e) {
    if (interactive_) QMessageBox::warning(this, tr("Cannot import"), error_text(e));
    last_error_ = error_text(e);
    return false;
  }
}

bool MainWindow::save_to(const QString& path) {
  const auto& doc = document_->doc();
  if (doc.error() && interactive_) {
    const auto answer = QMessageBox::question(
        this, tr("Save an invalid configuration?"),
        tr("%1: %2\n\nThe CLI will refuse this file until it is fixed. Save it anyway?")
            .arg(QString::fromStdString(doc.error()->where()),
                 QString::fromStdString(doc.error()->message())));
    if (answer != QMessageBox::Yes) return false;
  }
  try {
    const std::string text = config_to_text(doc.config());
    QSaveFile file(
        path);  // written to a temporary and renamed: a failed save never truncates the old file
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(text.data(), static_cast<qint64>(text.size())) !=
            static_cast<qint64>(text.size()) ||
        !file.commit()) {
      throw Error(ErrorKind::Io, path.toStdString(), file.errorString().toStdString());
    }
  } catch (const Error& e) {
    if (interactive_) QMessageBox::warning(this, tr("Cannot save"), error_text(e));
    last_error_ = error_text(e);
    return false;
  }
  document_->saved_as(path);
  add_recent(path);
  return true;
}

bool MainWindow::save() {
  if (document_->path().isEmpty()) return save_as();
  return save_to(document_->path());
}

bool MainWindow::save_as() {
  const QString suggested = QDir(default_dialog_dir())
                                .filePath(document_->display_name().endsWith(".json")
                                              ? document_->display_name()
                                              : document_->display_name() + ".json");
  const QString path = QFileDialog::getSaveFileName(this, tr("Save configuration"), suggested,
                                                    tr("archscope model (*.json)"));
  if (path.isEmpty()) return false;
  remember_dialog_dir(path);
  return save_to(path);
}

bool MainWindow::save_as_preset(const QString& name) {
  static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]*$"));
  if (!valid.match(name).hasMatch()) {
    last_error_ = tr("preset name '%1': use letters, digits, '.', '_' and '-'").arg(name);
    if (interactive_) QMessageBox::warning(this, tr("Cannot save preset"), last_error_);
    return false;
  }
  const std::filesystem::path dir = user_preset_dir();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const QString path = QString::fromStdString((dir / (name.toStdString() + ".json")).string());
  ModelConfig config = document_->config();
  if (config.name.empty()) config.name = name.toStdString();
  try {
    const std::string text = config_to_text(config);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(text.data(), static_cast<qint64>(text.size())) !=
            static_cast<qint64>(text.size()) ||
        !file.commit())
      throw Error(ErrorKind::Io, path.toStdString(), file.errorString().toStdString());
  } catch (const Error& e) {
    last_error_ = error_text(e);
    if (interactive_) QMessageBox::warning(this, tr("Cannot save preset"), last_error_);
    return false;
  }
  load_presets();
  return true;
}

void MainWindow::open_dialog() {
  const QString path =
      QFileDialog::getOpenFileName(this, tr("Open configuration"), default_dialog_dir(),
                                   tr("Model configurations (*.json);;All files (*)"));
  if (path.isEmpty()) return;
  remember_dialog_dir(path);
  open_file(path);
}

void MainWindow::import_dialog() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Import Hugging Face config.json"),
                                                    default_dialog_dir(),
                                                    tr("Hugging Face config (config.json *.json)"));
  if (path.isEmpty()) return;
  remember_dialog_dir(path);
  import_hf(path);
}

void MainWindow::save_preset_dialog() {
  bool ok = false;
  const QString name = QInputDialog::getText(
      this, tr("Save as preset"),
      tr("Preset name (saved in %1):").arg(QString::fromStdString(user_preset_dir().string())),
      QLineEdit::Normal, QString::fromStdString(document_->config().name), &ok);
  if (ok && !name.isEmpty()) save_as_preset(name);
}

bool MainWindow::confirm_discard() {
  if (!interactive_ || !document_->doc().modified()) return true;
  const auto answer = QMessageBox::question(
      this, tr("Unsaved changes"),
      tr("%1 has unsaved changes. Save them first?").arg(document_->display_name()),
      QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
  if (answer == QMessageBox::Save) return save();
  return answer == QMessageBox::Discard;
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!confirm_discard()) {
    event->ignore();
    return;
  }
  save_settings();
  event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  const auto urls = event->mimeData()->urls();
  if (urls.size() == 1 && urls.front().isLocalFile()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const auto urls = event->mimeData()->urls();
  if (urls.isEmpty() || !urls.front().isLocalFile()) return;
  event->acceptProposedAction();
  open_file(
      urls.front().toLocalFile());  // archscope model or HF config.json, told apart by content
}

namespace {
// A model file to compare, or a checkpoint folder (its config.json), with the label it gets: the
// file's stem, or the folder's name for a checkpoint ("stdlib-moe-6m", not "config").
std::pair<QString, QString> compare_source(const QString& path) {
  QFileInfo file(path);
  if (file.isDir()) file = QFileInfo(QDir(path).filePath(QStringLiteral("config.json")));
  const QString label = file.fileName() == QStringLiteral("config.json")
                            ? file.absoluteDir().dirName()
                            : file.completeBaseName();
  return {file.filePath(), label};
}
}  // namespace

void MainWindow::compare_files(const QStringList& paths) {
  compare_entries_.clear();
  for (const QString& p : paths.mid(0, 4)) {
    try {
      const auto [file, label] = compare_source(p);
      compare_entries_.push_back({label, read_model_file(file.toStdString())});
    } catch (const Error& e) {
      last_error_ = error_text(e);
      if (interactive_) QMessageBox::warning(this, tr("Cannot compare"), last_error_);
    }
  }
  show_page(QStringLiteral("compare"));
  request_compare();
}

bool MainWindow::add_file_to_compare(const QString& path) {
  try {
    const auto [file, label] = compare_source(path);
    add_to_compare(label, read_model_file(file.toStdString()));
    return true;
  } catch (const Error& e) {
    last_error_ = error_text(e);
    if (interactive_) QMessageBox::warning(this, tr("Cannot compare"), last_error_);
    return false;
  }
}

void MainWindow::add_to_compare(const QString& label, const ModelConfig& config) {
  if (compare_entries_.size() >= 4) compare_entries_.erase(compare_entries_.begin());
  compare_entries_.push_back({label, config});
  show_page(QStringLiteral("compare"));
  request_compare();
}

void MainWindow::clear_compare() {
  compare_entries_.clear();
  ++compare_requested_;  // a comparison still on its way is dropped
  compare_delivered_ = compare_requested_;
  compare_model_->set_analyses({}, {});
  field_diff_model_->set_rows({}, {}, true);
  compare_->diagrams().set_layouts({});
  compare_->set_title(
      tr("Select two to four presets in the Presets tab and press Compare, or add the open "
         "configuration."));
}

}  // namespace archscope::studio
