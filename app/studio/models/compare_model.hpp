// Two to four configurations side by side. CompareModel: the summary figures of each (from each
// analysis JSON) with the change against the first configuration; FieldDiffModel: every config
// field of each, differing ones marked.
#pragma once

#include <QAbstractTableModel>
#include <QStringList>
#include <nlohmann/json.hpp>
#include <vector>

#include "diagram/diagram_diff.hpp"
#include "summary/summary_rows.hpp"

namespace archscope::studio {

class CompareModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  static constexpr int DeltaRole =
      Qt::UserRole + 1;  // change against the first column (double), or invalid
  static constexpr int JsonRole = Qt::UserRole + 2;  // the exact JSON value's text

  explicit CompareModel(QObject* parent = nullptr);
  void set_analyses(QStringList labels, std::vector<nlohmann::json> analyses);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  QStringList labels_;
  std::vector<const summary::Row*> rows_;
  std::vector<std::vector<summary::Cell>> cells_;  // [row][config]
};

class FieldDiffModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  static constexpr int DiffersRole = Qt::UserRole + 1;

  explicit FieldDiffModel(QObject* parent = nullptr);
  void set_rows(QStringList labels, std::vector<diagram::FieldRow> rows, bool only_differing);
  void set_only_differing(bool only);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  void refilter();
  QStringList labels_;
  std::vector<diagram::FieldRow> all_;
  std::vector<size_t> shown_;
  bool only_differing_ = true;
};

}  // namespace archscope::studio
