// The stored runs of a run database as a table (RunsModel), and the browser's filter and sort over
// it (RunsFilterModel): text over name, model and backend, and the status. The name column is
// editable; an edit goes through the rename handler (the store) and shows only once it succeeded.
#pragma once

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <functional>
#include <vector>

#include "model/run_records.hpp"

namespace archscope::studio {

class RunsModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column {
    Id,
    Name,
    Status,
    Model,
    Backend,
    Device,
    Weights,
    Batch,
    Prompt,
    New,
    Started,
    Finished,
    ColumnCount
  };
  static constexpr int SortRole = Qt::UserRole + 1;   // numbers for numeric columns, else the text
  static constexpr int RunIdRole = Qt::UserRole + 2;  // the run's id (qlonglong), every column

  explicit RunsModel(QObject* parent = nullptr);
  void set_runs(std::vector<prof::RunInfo> runs);
  const std::vector<prof::RunInfo>& runs() const { return runs_; }
  // The row of run `id`, -1 when not listed.
  int row_of(int64_t id) const;
  // Called by setData on the name column; returns false (with the reason shown by the caller)
  // when the store refused. Without a handler the name is read-only.
  void set_rename_handler(std::function<bool(int64_t id, const QString& name)> handler);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  std::vector<prof::RunInfo> runs_;
  std::function<bool(int64_t, const QString&)> rename_;
};

class RunsFilterModel : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  explicit RunsFilterModel(QObject* parent = nullptr);
  // Case-insensitive substring of the name, model or backend; "" shows every run.
  void set_text(const QString& text);
  // "complete", "failed", "interrupted", "running"; "" for any.
  void set_status(const QString& status);

 protected:
  bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;

 private:
  QString text_, status_;
};

}  // namespace archscope::studio
