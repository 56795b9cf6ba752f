// The open configuration, for the Qt side: editor::ConfigDocument plus where it lives on disk, the
// values the user typed that could not be read (kept at their fields until fixed), and a changed()
// signal for everything that shows it.
#pragma once

#include <QObject>
#include <QString>
#include <map>
#include <optional>

#include "editor/config_document.hpp"

namespace archscope::studio {

class StudioDocument : public QObject {
  Q_OBJECT
 public:
  explicit StudioDocument(QObject* parent = nullptr);

  const editor::ConfigDocument& doc() const { return doc_; }
  const ModelConfig& config() const { return doc_.config(); }
  const QString& path() const { return path_; }  // "" when never saved
  QString display_name() const;                  // file name, or the config's name
  // Unreadable values by field path: what was typed and why it was refused.
  const std::map<std::string, std::pair<QString, Error>>& pending() const { return pending_; }

  void set_field(const QString& path, const editor::FieldValue& value, const QString& text);
  void reject_text(const QString& path, const QString& text, const QString& reason);
  // Per-layer edits; a refused edit (first_dense makes a layer dense) is reported by message().
  void set_layers(int column_kind, const std::vector<int64_t>& layers, const QString& value);

  void open(ModelConfig config, QString path);  // history cleared
  void replace(ModelConfig config, const QString& label);
  void saved_as(const QString& path);
  void undo();
  void redo();

 Q_SIGNALS:
  void changed();
  void message(const QString& text);

 private:
  editor::ConfigDocument doc_;
  QString path_;
  std::map<std::string, std::pair<QString, Error>> pending_;
};

}  // namespace archscope::studio
