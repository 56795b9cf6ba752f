// The architecture editor: the first broken rule in a banner, the grouped form of every field,
// and the per-layer table where one layer or a selection of layers gets a new attention kind,
// position kind or FFN kind.
#pragma once

#include <QWidget>
#include <string>

class QLabel;
class QScrollArea;
class QTableView;

namespace archscope::studio {

class FieldForm;
class LayerTableModel;
class StudioDocument;

class EditorPage : public QWidget {
  Q_OBJECT
 public:
  EditorPage(StudioDocument& document, LayerTableModel& layers, QWidget* parent = nullptr);
  FieldForm& form() { return *form_; }
  QTableView& layer_view() { return *layer_view_; }
  QString banner_text() const;

 Q_SIGNALS:
  void fieldFocused(const QString& path);

 private:
  void refresh();
  void layer_edit(int column, int row, const QString& value);

  StudioDocument& document_;
  LayerTableModel& layers_;
  QLabel* banner_ = nullptr;
  FieldForm* form_ = nullptr;
  QTableView* layer_view_ = nullptr;
  QScrollArea* scroll_ = nullptr;
  std::string shown_error_field_;  // the field whose error the form last scrolled to
};

}  // namespace archscope::studio
