#include "models/compare_model.hpp"

#include <QBrush>
#include <QColor>
#include <cmath>

#include "report/text_format.hpp"

namespace archscope::studio {

namespace {
const QColor kChanged(0xff, 0xf1, 0xb8);

bool numeric(summary::Format f) {
  return f == summary::Format::Params || f == summary::Format::Bytes ||
         f == summary::Format::Flops || f == summary::Format::Seconds || f == summary::Format::Rate;
}

QVariant delta(const summary::Cell& base, const summary::Cell& value, summary::Format f) {
  if (!numeric(f) || !base.present || !value.present || !base.value.is_number() ||
      !value.value.is_number())
    return {};
  double b = base.value.get<double>(), v = value.value.get<double>();
  if (f == summary::Format::Rate) {  // the shown figure is 1 / the JSON's
    b = b > 0 ? 1 / b : 0;
    v = v > 0 ? 1 / v : 0;
  }
  if (!(b > 0)) return {};
  return (v - b) / b;
}
}  // namespace

CompareModel::CompareModel(QObject* parent) : QAbstractTableModel(parent) {}

void CompareModel::set_analyses(QStringList labels, std::vector<nlohmann::json> analyses) {
  beginResetModel();
  labels_ = std::move(labels);
  rows_.clear();
  cells_.clear();
  for (const summary::Row& row : summary::rows()) {
    std::vector<summary::Cell> cells;
    bool any = false;
    for (const auto& a : analyses) {
      cells.push_back(summary::cell(a, row));
      any = any || cells.back().present;
    }
    if (!any) continue;
    rows_.push_back(&row);
    cells_.push_back(std::move(cells));
  }
  endResetModel();
}

int CompareModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}
int CompareModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : labels_.size() + 1;
}

QVariant CompareModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(rows_.size())) return {};
  const summary::Row& row = *rows_[static_cast<size_t>(index.row())];
  if (index.column() == 0)
    return role == Qt::DisplayRole ? QString::fromStdString(row.label) : QVariant();
  const auto& cells = cells_[static_cast<size_t>(index.row())];
  const size_t k = static_cast<size_t>(index.column() - 1);
  if (k >= cells.size()) return {};
  const summary::Cell& c = cells[k];
  const QVariant d = k > 0 ? delta(cells[0], c, row.format) : QVariant();
  switch (role) {
    case Qt::DisplayRole: {
      if (!c.present) return QStringLiteral("—");
      QString s = QString::fromStdString(c.display);
      if (d.isValid() && d.toDouble() != 0) {
        const double p = d.toDouble() * 100;
        s += QStringLiteral("  (%1%2%)")
                 .arg(p > 0 ? QStringLiteral("+") : QString())
                 .arg(p, 0, 'f', std::fabs(p) < 10 ? 1 : 0);
      }
      return s;
    }
    case Qt::ToolTipRole:
      return c.present ? QString::fromStdString(c.exact) : QString();
    case Qt::TextAlignmentRole:
      return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::BackgroundRole:
      if (k > 0 && c.present && cells[0].present && c.value != cells[0].value)
        return QBrush(kChanged);
      return {};
    case DeltaRole:
      return d;
    case JsonRole:
      return c.present ? QString::fromStdString(c.value.dump()) : QString();
    default:
      return {};
  }
}

QVariant CompareModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  if (section == 0) return tr("Figure");
  return section - 1 < labels_.size() ? labels_[section - 1] : QVariant();
}

FieldDiffModel::FieldDiffModel(QObject* parent) : QAbstractTableModel(parent) {}

void FieldDiffModel::set_rows(QStringList labels, std::vector<diagram::FieldRow> rows,
                              bool only_differing) {
  beginResetModel();
  labels_ = std::move(labels);
  all_ = std::move(rows);
  only_differing_ = only_differing;
  refilter();
  endResetModel();
}

void FieldDiffModel::set_only_differing(bool only) {
  if (only == only_differing_) return;
  beginResetModel();
  only_differing_ = only;
  refilter();
  endResetModel();
}

void FieldDiffModel::refilter() {
  shown_.clear();
  for (size_t i = 0; i < all_.size(); ++i)
    if (!only_differing_ || all_[i].differs) shown_.push_back(i);
}

int FieldDiffModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(shown_.size());
}
int FieldDiffModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : labels_.size() + 1;
}

QVariant FieldDiffModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(shown_.size())) return {};
  const diagram::FieldRow& r = all_[shown_[static_cast<size_t>(index.row())]];
  const size_t k = static_cast<size_t>(index.column());
  if (role == DiffersRole) return r.differs;
  if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
    if (k == 0) return QString::fromStdString(r.path);
    return k - 1 < r.values.size() ? QString::fromStdString(r.values[k - 1]) : QVariant();
  }
  if (role == Qt::BackgroundRole && k > 0 && k - 1 < r.values.size() &&
      r.values[k - 1] != r.values[0])
    return QBrush(kChanged);
  return {};
}

QVariant FieldDiffModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  if (section == 0) return tr("Field");
  return section - 1 < labels_.size() ? labels_[section - 1] : QVariant();
}

}  // namespace archscope::studio
