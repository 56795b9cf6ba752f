#include "asset_paths.hpp"

#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

#include "presets/preset_dir.hpp"

namespace archscope::studio {

namespace {
std::filesystem::path asset_dir(const char* sub) {
  const QString env = qEnvironmentVariable("ARCHSCOPE_ASSET_DIR");
  if (!env.isEmpty()) return std::filesystem::path(env.toStdString()) / sub;
  const std::filesystem::path exe = executable_dir();
  if (!exe.empty()) {
    const auto installed = exe / ".." / "share" / "archscope" / sub;
    std::error_code ec;
    if (std::filesystem::is_directory(installed, ec)) return installed.lexically_normal();
  }
  return std::filesystem::path(ARCHSCOPE_SOURCE_ASSET_DIR) / sub;
}
}  // namespace

std::filesystem::path explain_dir() {
  return asset_dir("explain");
}

std::filesystem::path models_dir() {
  return asset_dir("models");
}

std::filesystem::path user_preset_dir() {
  // GenericDataLocation honours $XDG_DATA_HOME; the CLI keeps runs.db in the same folder.
  const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
  return std::filesystem::path(base.toStdString()) / "archscope" / "presets";
}

QString default_dialog_dir() {
  const QString last = QSettings().value(QStringLiteral("dialogs/last_dir")).toString();
  if (!last.isEmpty() && QFileInfo(last).isDir()) return last;
  return QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
}

void remember_dialog_dir(const QString& file) {
  QSettings().setValue(QStringLiteral("dialogs/last_dir"), QFileInfo(file).absolutePath());
}

}  // namespace archscope::studio
