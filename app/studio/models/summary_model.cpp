#include "models/summary_model.hpp"

#include <QFont>

namespace archscope::studio {

SummaryModel::SummaryModel(QObject* parent) : QAbstractTableModel(parent) {}

void SummaryModel::set_analysis(const nlohmann::json& analysis) {
  beginResetModel();
  shown_.clear();
  if (analysis.is_object()) {
    for (const summary::Row& row : summary::rows()) {
      summary::Cell c = summary::cell(analysis, row);
      if (c.present) shown_.push_back({&row, std::move(c)});
    }
  }
  endResetModel();
}

int SummaryModel::row_of(const QString& pointer, summary::Format format) const {
  for (size_t i = 0; i < shown_.size(); ++i)
    if (QString::fromStdString(shown_[i].row->pointer) == pointer &&
        shown_[i].row->format == format)
      return static_cast<int>(i);
  return -1;
}

int SummaryModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(shown_.size());
}

int SummaryModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant SummaryModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(shown_.size())) return {};
  const Shown& s = shown_[static_cast<size_t>(index.row())];
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case Figure:
          return QString::fromStdString(s.row->label);
        case Value:
          return QString::fromStdString(s.cell.display);
        case Exact:
          return QString::fromStdString(s.cell.exact);
      }
      return {};
    case Qt::ToolTipRole:
      return QString::fromStdString(s.row->label + ": " + s.cell.exact +
                                    "\nanalyze --json: " + s.row->pointer);
    case Qt::TextAlignmentRole:
      return index.column() == Figure ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::FontRole:
      if (index.column() == Value) {
        QFont f;
        f.setBold(true);
        return f;
      }
      return {};
    case PointerRole:
      return QString::fromStdString(s.row->pointer);
    case JsonRole:
      return QString::fromStdString(s.cell.value.dump());
    case TopicRole:
      return QString::fromStdString(s.row->topic);
    default:
      return {};
  }
}

QVariant SummaryModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Figure:
      return tr("Figure");
    case Value:
      return tr("Value");
    case Exact:
      return tr("Exact");
  }
  return {};
}

}  // namespace archscope::studio
