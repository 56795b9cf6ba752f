// The analytic summary table: one row per figure of summary::rows() that the analysis has
// (hardware rows only with a hardware profile), columns figure / value / exact. Every value is
// read from the analysis JSON, i.e. what `archscope analyze --json` prints for the same inputs.
#pragma once

#include <QAbstractTableModel>
#include <nlohmann/json.hpp>
#include <vector>

#include "summary/summary_rows.hpp"

namespace archscope::studio {

class SummaryModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Figure, Value, Exact, ColumnCount };
  static constexpr int PointerRole = Qt::UserRole + 1;  // the row's JSON pointer (QString)
  static constexpr int JsonRole = Qt::UserRole + 2;     // the JSON value's text (exact)
  static constexpr int TopicRole = Qt::UserRole + 3;    // explain topic id

  explicit SummaryModel(QObject* parent = nullptr);
  // Shows `analysis` (an analysis_to_json object); an empty object clears the table.
  void set_analysis(const nlohmann::json& analysis);
  // The row showing `pointer`, or -1.
  int row_of(const QString& pointer, summary::Format format) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  struct Shown {
    const summary::Row* row;
    summary::Cell cell;
  };
  std::vector<Shown> shown_;
};

}  // namespace archscope::studio
