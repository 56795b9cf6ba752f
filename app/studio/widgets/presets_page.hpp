// The presets browser: every preset grouped by family, searchable, with its figures; open one, or
// select two to four and compare them.
#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTreeView;

namespace archscope::studio {

class PresetModel;

class PresetsPage : public QWidget {
  Q_OBJECT
 public:
  PresetsPage(PresetModel& model, QWidget* parent = nullptr);
  QLineEdit& search() { return *search_; }
  QTreeView& view() { return *view_; }
  // Selected presets' files, in selection order.
  QStringList selected_paths() const;
  void set_loading(bool loading);

 Q_SIGNALS:
  void openRequested(const QString& path);
  // A trained checkpoint's config.json, to open under the checkpoint's name.
  void openModelRequested(const QString& config, const QString& name);
  void compareRequested(const QStringList& paths);

 private:
  void update_buttons();
  void open_index(const QModelIndex& index);
  PresetModel& model_;
  QSortFilterProxyModel* proxy_ = nullptr;
  QLineEdit* search_ = nullptr;
  QTreeView* view_ = nullptr;
  QPushButton* open_ = nullptr;
  QPushButton* compare_ = nullptr;
  QLabel* status_ = nullptr;
};

}  // namespace archscope::studio
