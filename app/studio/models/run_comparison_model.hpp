// One section of the comparison model of stored runs (views/compare: the one `archscope compare`
// and the run report use) as a table: the run-level figures, the per-layer span times or the
// per-op-kind span times, one column per run, each value with its change against the first run.
// A single run is a comparison of one: its figures, layers and kinds without changes.
#pragma once

#include <QAbstractTableModel>

#include "compare/comparison.hpp"

namespace archscope::studio {

class RunComparisonModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum class Section { Figures, Layers, Kinds };
  static constexpr int ValueRole = Qt::UserRole + 1;     // the value in the row's unit, or invalid
  static constexpr int DeltaPctRole = Qt::UserRole + 2;  // change against run 1 in %, or invalid
  static constexpr int KeyRole = Qt::UserRole + 3;  // the row's key ("decode L003"), every column

  explicit RunComparisonModel(Section section, QObject* parent = nullptr);
  void set_comparison(const views::compare::Comparison& c);
  void clear();
  const std::vector<views::compare::Row>& rows() const { return rows_; }
  int row_of(const QString& key) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;  // label, better, runs...
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  Section section_;
  std::vector<views::compare::RunColumn> runs_;
  std::vector<views::compare::Row> rows_;
};

}  // namespace archscope::studio
