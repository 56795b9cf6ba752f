#include "models/studio_document.hpp"

#include <QFileInfo>

#include "config/enum_names.hpp"

namespace archscope::studio {

StudioDocument::StudioDocument(QObject* parent) : QObject(parent) {}

QString StudioDocument::display_name() const {
  if (!path_.isEmpty()) return QFileInfo(path_).fileName();
  return doc_.config().name.empty() ? tr("untitled") : QString::fromStdString(doc_.config().name);
}

void StudioDocument::set_field(const QString& path, const editor::FieldValue& value,
                               const QString& text) {
  const std::string p = path.toStdString();
  const auto refused = doc_.set_field(p, value);
  if (refused) {
    pending_.insert_or_assign(p, std::make_pair(text, *refused));
  } else {
    pending_.erase(p);
  }
  Q_EMIT changed();
}

void StudioDocument::reject_text(const QString& path, const QString& text, const QString& reason) {
  pending_.insert_or_assign(
      path.toStdString(),
      std::make_pair(text, Error(ErrorKind::Parse, path.toStdString(), reason.toStdString())));
  Q_EMIT changed();
}

void StudioDocument::set_layers(int column_kind, const std::vector<int64_t>& layers,
                                const QString& value) {
  const std::string v = value.toStdString();
  if (column_kind == 0) {
    if (const auto k = parse_enum<AttentionKind>(v)) doc_.set_layers_attention(layers, *k);
  } else if (column_kind == 1) {
    if (const auto k = parse_enum<PositionKind>(v)) doc_.set_layers_position(layers, *k);
  } else if (const auto refused = doc_.set_layers_moe(layers, v == "moe")) {
    Q_EMIT message(QString::fromStdString(refused->where() + ": " + refused->message()));
  }
  Q_EMIT changed();
}

void StudioDocument::open(ModelConfig config, QString path) {
  doc_.reset(std::move(config));
  path_ = std::move(path);
  pending_.clear();
  Q_EMIT changed();
}

void StudioDocument::replace(ModelConfig config, const QString& label) {
  doc_.replace(std::move(config), label.toStdString());
  pending_.clear();
  Q_EMIT changed();
}

void StudioDocument::saved_as(const QString& path) {
  path_ = path;
  doc_.mark_saved();
  Q_EMIT changed();
}

void StudioDocument::undo() {
  doc_.undo();
  pending_.clear();
  Q_EMIT changed();
}

void StudioDocument::redo() {
  doc_.redo();
  pending_.clear();
  Q_EMIT changed();
}

}  // namespace archscope::studio
