#include "models/run_comparison_model.hpp"

#include <QBrush>
#include <QColor>
#include <cmath>

#include "compare/comparison_render.hpp"

namespace archscope::studio {

namespace {
constexpr int kFirstRun = 2;
const QColor kBetter(0xd9, 0xf2, 0xd9), kWorse(0xf9, 0xdc, 0xdc);
}  // namespace

RunComparisonModel::RunComparisonModel(Section section, QObject* parent)
    : QAbstractTableModel(parent), section_(section) {}

void RunComparisonModel::set_comparison(const views::compare::Comparison& c) {
  beginResetModel();
  runs_ = c.runs;
  rows_ = section_ == Section::Figures  ? c.figures
          : section_ == Section::Layers ? c.layers
                                        : c.kinds;
  endResetModel();
}

void RunComparisonModel::clear() {
  beginResetModel();
  runs_.clear();
  rows_.clear();
  endResetModel();
}

int RunComparisonModel::row_of(const QString& key) const {
  for (size_t i = 0; i < rows_.size(); ++i)
    if (QString::fromStdString(rows_[i].key) == key) return static_cast<int>(i);
  return -1;
}

int RunComparisonModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int RunComparisonModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kFirstRun + static_cast<int>(runs_.size());
}

QVariant RunComparisonModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() < 0 || index.row() >= rowCount() ||
      index.column() >= columnCount())
    return {};
  const views::compare::Row& r = rows_[static_cast<size_t>(index.row())];
  if (role == KeyRole) return QString::fromStdString(r.key);
  if (index.column() == 0)
    return role == Qt::DisplayRole ? QString::fromStdString(r.label) : QVariant();
  if (index.column() == 1)
    return role == Qt::DisplayRole ? QString::fromLatin1(views::compare::to_string(r.better))
                                   : QVariant();
  const size_t k = static_cast<size_t>(index.column() - kFirstRun);
  if (k >= r.cells.size()) return {};
  const views::compare::Cell& c = r.cells[k];
  const std::optional<views::compare::Delta>& d = r.delta[k];
  switch (role) {
    case Qt::DisplayRole: {
      std::string text = views::compare::format_cell(r.unit, c);
      if (k > 0) {
        const std::string change = views::compare::format_delta(r.unit, d);
        if (!change.empty()) text += "  (" + change + ")";
      }
      return QString::fromStdString(text);
    }
    case ValueRole:
      return c.has_value() ? QVariant(c.value) : QVariant();
    case DeltaPctRole:
      return k > 0 && d && d->pct ? QVariant(*d->pct) : QVariant();
    case Qt::TextAlignmentRole:
      return static_cast<int>(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::BackgroundRole: {
      // Changes beyond 2% coloured by which way is better.
      if (k == 0 || !d || !d->pct || r.better == views::compare::Better::Neither ||
          std::abs(*d->pct) < 2.0)
        return {};
      const bool up = *d->pct > 0;
      return QBrush((up == (r.better == views::compare::Better::Higher)) ? kBetter : kWorse);
    }
    case Qt::ToolTipRole:
      return QString::fromStdString(r.key);
  }
  return {};
}

QVariant RunComparisonModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  if (section == 0)
    return section_ == Section::Figures  ? tr("Figure")
           : section_ == Section::Layers ? tr("Layer")
                                         : tr("Op kind");
  if (section == 1) return tr("Better");
  const size_t k = static_cast<size_t>(section - kFirstRun);
  if (section < kFirstRun || k >= runs_.size()) return {};
  const views::compare::RunColumn& r = runs_[k];
  return QStringLiteral("#%1 %2\n%3 · %4")
      .arg(r.id)
      .arg(QString::fromStdString(r.name), QString::fromStdString(r.model),
           QString::fromStdString(r.backend));
}

}  // namespace archscope::studio
