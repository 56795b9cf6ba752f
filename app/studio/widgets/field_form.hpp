// The editor's form: one editor per field of editor::config_fields(), grouped in boxes, each with
// its own line for a validation error at that field (the JSON path and reason the CLI gives).
// The form holds no configuration: it shows what refresh() is given and reports edits.
#pragma once

#include <QWidget>
#include <map>
#include <optional>
#include <vector>

#include "common/error.hpp"
#include "editor/config_fields.hpp"

class QLabel;

namespace archscope::studio {

class FieldForm : public QWidget {
  Q_OBJECT
 public:
  explicit FieldForm(QWidget* parent = nullptr);

  // Shows `config`; `error` (a validation error) and `pending` (values that could not be read,
  // by field path, with the text the user typed) are shown at their fields.
  void refresh(const ModelConfig& config, const std::optional<Error>& error,
               const std::map<std::string, std::pair<QString, Error>>& pending);
  // The editor widget of a field (tests type into it), or null.
  QWidget* editor(const std::string& path) const;
  // The error text shown at a field ("" when none).
  QString error_text(const std::string& path) const;

 Q_SIGNALS:
  // A value was entered. `text` is what the user typed, for fields entered as text.
  void fieldEdited(const QString& path, const editor::FieldValue& value, const QString& text);
  // A text field's text could not be read as its kind (an integer field with "12x").
  void fieldRejected(const QString& path, const QString& text, const QString& reason);
  void fieldFocused(const QString& path);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  struct Entry {
    const editor::FieldSpec* spec = nullptr;
    QWidget* editor = nullptr;
    QLabel* label = nullptr;
    QLabel* error = nullptr;
  };
  QWidget* make_editor(const editor::FieldSpec& spec);
  void commit_text(const editor::FieldSpec& spec, const QString& text);
  std::vector<Entry> entries_;
};

}  // namespace archscope::studio
