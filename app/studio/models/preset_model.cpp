#include "models/preset_model.hpp"

#include <QBrush>
#include <QColor>
#include <algorithm>
#include <map>

#include "report/text_format.hpp"

namespace archscope::studio {

namespace {
// Presets carry 1-based ids (group + 1 in the high half, 0 = a group row) so parent() needs no
// lookup.
quintptr group_id(int group) {
  return static_cast<quintptr>(group) + 1;
}
}  // namespace

PresetModel::PresetModel(QObject* parent) : QAbstractItemModel(parent) {}

void PresetModel::set_rows(std::vector<summary::PresetRow> rows) {
  beginResetModel();
  groups_.clear();
  std::map<QString, std::vector<summary::PresetRow>> by_family;
  std::vector<summary::PresetRow> user, trained;
  for (auto& r : rows) {
    if (r.user) {
      user.push_back(std::move(r));
    } else if (r.trained) {
      trained.push_back(std::move(r));
    } else {
      by_family[r.family.empty() ? QStringLiteral("(unreadable)")
                                 : QString::fromStdString(r.family)]
          .push_back(std::move(r));
    }
  }
  if (!user.empty()) groups_.push_back({tr("My presets"), std::move(user)});
  // Real weights right after the user's own: the way to see expert load, perplexity and
  // quantization error that mean something.
  if (!trained.empty()) groups_.push_back({tr("Trained models"), std::move(trained)});
  for (auto& [family, presets] : by_family) groups_.push_back({family, std::move(presets)});
  endResetModel();
}

int PresetModel::preset_count() const {
  int n = 0;
  for (const Group& g : groups_) n += static_cast<int>(g.presets.size());
  return n;
}

const summary::PresetRow* PresetModel::row_at(const QModelIndex& index) const {
  if (!index.isValid() || index.internalId() == 0) return nullptr;
  const Group& g = groups_[static_cast<size_t>(index.internalId() - 1)];
  return index.row() < static_cast<int>(g.presets.size())
             ? &g.presets[static_cast<size_t>(index.row())]
             : nullptr;
}

QModelIndex PresetModel::index(int row, int column, const QModelIndex& parent) const {
  if (row < 0 || column < 0 || column >= ColumnCount) return {};
  if (!parent.isValid())
    return row < static_cast<int>(groups_.size()) ? createIndex(row, column, quintptr{0})
                                                  : QModelIndex();
  if (parent.internalId() != 0 || parent.row() >= static_cast<int>(groups_.size())) return {};
  const Group& g = groups_[static_cast<size_t>(parent.row())];
  return row < static_cast<int>(g.presets.size()) ? createIndex(row, column, group_id(parent.row()))
                                                  : QModelIndex();
}

QModelIndex PresetModel::parent(const QModelIndex& child) const {
  if (!child.isValid() || child.internalId() == 0) return {};
  return createIndex(static_cast<int>(child.internalId() - 1), 0, quintptr{0});
}

int PresetModel::rowCount(const QModelIndex& parent) const {
  if (!parent.isValid()) return static_cast<int>(groups_.size());
  if (parent.internalId() != 0 || parent.column() != 0) return 0;
  return static_cast<int>(groups_[static_cast<size_t>(parent.row())].presets.size());
}

int PresetModel::columnCount(const QModelIndex&) const {
  return ColumnCount;
}

Qt::ItemFlags PresetModel::flags(const QModelIndex& index) const {
  if (!index.isValid()) return Qt::NoItemFlags;
  return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
}

QVariant PresetModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  if (index.internalId() == 0) {
    const Group& g = groups_[static_cast<size_t>(index.row())];
    if (index.column() != Name) return {};
    if (role == Qt::DisplayRole)
      return QStringLiteral("%1 (%2)").arg(g.title).arg(g.presets.size());
    // Groups sort in the model's order (the user's, the trained, then families by name), not by
    // title: a family named "Alpha" must not come before "My presets".
    if (role == SortRole) return QStringLiteral("%1").arg(index.row(), 6, 10, QLatin1Char('0'));
    return {};
  }
  const summary::PresetRow* r = row_at(index);
  if (!r) return {};
  const bool broken = !r->error.empty();
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case Name:
          return QString::fromStdString(r->name);
        case Total:
          return broken ? QString() : QString::fromStdString(text::params_short(r->params_total));
        case Active:
          return broken ? QString() : QString::fromStdString(text::params_short(r->params_active));
        case KvPerToken:
          return broken ? QString()
                        : QString::fromStdString(
                              text::binary_bytes(static_cast<double>(r->kv_bytes_per_token)));
        case Description:
          return QString::fromStdString(broken ? r->error : r->description);
        case Source:
          return QString::fromStdString(r->source);
      }
      return {};
    case Qt::ToolTipRole:
      if (broken) return QString::fromStdString(r->error);
      switch (index.column()) {
        case Total:
          return QString::fromStdString(text::grouped(r->params_total) + " parameters");
        case Active:
          return QString::fromStdString(text::grouped(r->params_active) + " parameters per token");
        case KvPerToken:
          return QString::fromStdString(text::grouped(r->kv_bytes_per_token) +
                                        " bytes per token (bf16)");
        default:
          return QString::fromStdString(r->path.string());
      }
    case Qt::TextAlignmentRole:
      return index.column() >= Total && index.column() <= KvPerToken
                 ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                 : QVariant();
    case Qt::ForegroundRole:
      return broken && index.column() == Description ? QVariant(QBrush(QColor(0xa4, 0x26, 0x2c)))
                                                     : QVariant();
    case SortRole:
      switch (index.column()) {
        case Total:
          return QVariant::fromValue<qulonglong>(r->params_total);
        case Active:
          return QVariant::fromValue<qulonglong>(r->params_active);
        case KvPerToken:
          return QVariant::fromValue<qulonglong>(r->kv_bytes_per_token);
        default:
          return data(index, Qt::DisplayRole);
      }
    case PathRole:
      return QString::fromStdString(r->path.string());
    case NameRole:
      return QString::fromStdString(r->name);
    case TrainedRole:
      return r->trained;
    default:
      return {};
  }
}

QVariant PresetModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Name:
      return tr("Preset");
    case Total:
      return tr("Parameters");
    case Active:
      return tr("Active");
    case KvPerToken:
      return tr("KV / token");
    case Description:
      return tr("Architecture");
    case Source:
      return tr("Source");
  }
  return {};
}

}  // namespace archscope::studio
