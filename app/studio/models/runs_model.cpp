#include "models/runs_model.hpp"

#include <QBrush>
#include <QColor>

namespace archscope::studio {

namespace {

QString qs(const std::string& s) {
  return QString::fromStdString(s);
}

QColor status_colour(prof::RunStatus s) {
  switch (s) {
    case prof::RunStatus::Complete:
      return QColor(0x1b, 0x7f, 0x3b);
    case prof::RunStatus::Failed:
      return QColor(0xb0, 0x1e, 0x1e);
    case prof::RunStatus::Interrupted:
      return QColor(0xa0, 0x60, 0x00);
    case prof::RunStatus::Running:
      return QColor(0x1f, 0x5f, 0xbf);
  }
  return {};
}

}  // namespace

RunsModel::RunsModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunsModel::set_runs(std::vector<prof::RunInfo> runs) {
  beginResetModel();
  runs_ = std::move(runs);
  endResetModel();
}

int RunsModel::row_of(int64_t id) const {
  for (size_t i = 0; i < runs_.size(); ++i)
    if (runs_[i].id == id) return static_cast<int>(i);
  return -1;
}

void RunsModel::set_rename_handler(std::function<bool(int64_t, const QString&)> handler) {
  rename_ = std::move(handler);
}

int RunsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(runs_.size());
}

int RunsModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() < 0 || index.row() >= rowCount() ||
      index.column() >= ColumnCount)
    return {};
  const prof::RunInfo& r = runs_[static_cast<size_t>(index.row())];
  if (role == RunIdRole) return static_cast<qlonglong>(r.id);
  const auto number = [role](int64_t v) -> QVariant {
    if (role == SortRole) return static_cast<qlonglong>(v);
    return QString::number(v);
  };
  if (role == Qt::DisplayRole || role == Qt::EditRole || role == SortRole) {
    switch (index.column()) {
      case Id:
        return number(r.id);
      case Name:
        return qs(r.name);
      case Status:
        return QString::fromLatin1(prof::to_string(r.status));
      case Model:
        return qs(r.model);
      case Backend:
        return qs(r.backend);
      case Device:
        return qs(r.device);
      case Weights:
        return qs(r.weights_dtype + " / " + r.kv_dtype);
      case Batch:
        return number(r.batch);
      case Prompt:
        return number(r.prompt_tokens);
      case New:
        return number(r.new_tokens);
      case Started:
        return qs(r.started_at);
      case Finished:
        return qs(r.finished_at);
    }
    return {};
  }
  if (role == Qt::ToolTipRole && index.column() == Status && !r.failure.empty())
    return qs(r.failure);
  if (role == Qt::ForegroundRole && index.column() == Status)
    return QBrush(status_colour(r.status));
  if (role == Qt::TextAlignmentRole) {
    const int c = index.column();
    if (c == Id || c == Batch || c == Prompt || c == New)
      return static_cast<int>(Qt::AlignRight | Qt::AlignVCenter);
  }
  return {};
}

bool RunsModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (role != Qt::EditRole || !index.isValid() || index.column() != Name || !rename_ ||
      index.row() >= rowCount())
    return false;
  prof::RunInfo& r = runs_[static_cast<size_t>(index.row())];
  const QString name = value.toString();
  if (name == qs(r.name)) return true;
  if (!rename_(r.id, name)) return false;
  r.name = name.toStdString();
  Q_EMIT dataChanged(index, index, {Qt::DisplayRole, Qt::EditRole, SortRole});
  return true;
}

Qt::ItemFlags RunsModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractTableModel::flags(index);
  if (index.isValid() && index.column() == Name && rename_) f |= Qt::ItemIsEditable;
  return f;
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* names[ColumnCount] = {"Id",      "Name",   "Status",       "Model",
                                           "Backend", "Device", "Weights / KV", "Batch",
                                           "Prompt",  "New",    "Started",      "Finished"};
  return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

RunsFilterModel::RunsFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
  setSortRole(RunsModel::SortRole);
  setSortCaseSensitivity(Qt::CaseInsensitive);
  setDynamicSortFilter(true);
}

void RunsFilterModel::set_text(const QString& text) {
  text_ = text.trimmed();
  invalidateFilter();
}

void RunsFilterModel::set_status(const QString& status) {
  status_ = status;
  invalidateFilter();
}

bool RunsFilterModel::filterAcceptsRow(int source_row, const QModelIndex& source_parent) const {
  const QAbstractItemModel* m = sourceModel();
  const auto text = [&](int column) {
    return m->index(source_row, column, source_parent).data().toString();
  };
  if (!status_.isEmpty() && text(RunsModel::Status) != status_) return false;
  if (text_.isEmpty()) return true;
  for (int c : {RunsModel::Name, RunsModel::Model, RunsModel::Backend})
    if (text(c).contains(text_, Qt::CaseInsensitive)) return true;
  return false;
}

}  // namespace archscope::studio
