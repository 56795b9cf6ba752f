// The presets browser's data: presets grouped by family (a two-level tree; the user's presets and
// the trained checkpoints first), with parameter counts, KV per token, description and source per
// preset. No widgets; tested under QAbstractItemModelTester.
#pragma once

#include <QAbstractItemModel>
#include <vector>

#include "summary/preset_rows.hpp"

namespace archscope::studio {

class PresetModel : public QAbstractItemModel {
  Q_OBJECT
 public:
  enum Column { Name, Total, Active, KvPerToken, Description, Source, ColumnCount };
  static constexpr int PathRole = Qt::UserRole + 1;  // the preset file (QString), presets only
  static constexpr int SortRole = Qt::UserRole + 2;  // numbers as numbers
  static constexpr int NameRole = Qt::UserRole + 3;  // the preset name, presets only
  // true for a trained checkpoint (PathRole is its config.json), presets only
  static constexpr int TrainedRole = Qt::UserRole + 4;

  explicit PresetModel(QObject* parent = nullptr);
  void set_rows(std::vector<summary::PresetRow> rows);
  const summary::PresetRow* row_at(const QModelIndex& index) const;
  int preset_count() const;

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;

 private:
  struct Group {
    QString title;
    std::vector<summary::PresetRow> presets;
  };
  std::vector<Group> groups_;
};

}  // namespace archscope::studio
