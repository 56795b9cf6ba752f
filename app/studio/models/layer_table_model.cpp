#include "models/layer_table_model.hpp"

#include <QColor>
#include <algorithm>

#include "config/enum_names.hpp"
#include "config/limits.hpp"
#include "editor/layer_pattern.hpp"
#include "report/text_format.hpp"

namespace archscope::studio {

namespace {
template <class E>
QStringList names() {
  QStringList out;
  for (E v : EnumInfo<E>::values) out << QString::fromLatin1(to_string(v));
  return out;
}
}  // namespace

LayerTableModel::LayerTableModel(QObject* parent)
    : QAbstractTableModel(parent),
      attention_choices_(names<AttentionKind>()),
      position_choices_(names<PositionKind>()) {}

void LayerTableModel::set_editable(EditHandler handler) {
  edit_ = std::move(handler);
}

void LayerTableModel::set_config(const ModelConfig& c) {
  // Read the patterns as they are, without validation: the table shows a broken config too.
  const int64_t n = std::clamp<int64_t>(c.n_layers, 0, kMaxLayers);
  const auto attention = editor::expand_pattern(c.attention.pattern, n);
  const auto position = editor::expand_pattern(c.position.pattern, n);
  std::vector<Row> rows(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    Row& r = rows[static_cast<size_t>(i)];
    const auto k = static_cast<size_t>(i);
    const AttentionKind a = k < attention.size() ? attention[k] : AttentionKind::Full;
    r.attention = k < attention.size() ? QString::fromLatin1(to_string(a)) : QStringLiteral("?");
    r.position =
        k < position.size() ? QString::fromLatin1(to_string(position[k])) : QStringLiteral("?");
    r.ffn = is_moe_layer(c, i) ? QStringLiteral("moe") : QStringLiteral("dense");
    r.window = a == AttentionKind::Sliding   ? c.attention.sliding_window
               : a == AttentionKind::Chunked ? c.attention.chunk_size
                                             : 0;
    if (k < rows_.size() && rows_[k].figures) {  // keep the last figures until the next analysis
      r.figures = true;
      r.params = rows_[k].params;
      r.kv_held = rows_[k].kv_held;
      r.decode_flops = rows_[k].decode_flops;
    }
  }
  if (rows.size() == rows_.size()) {
    rows_ = std::move(rows);
    if (!rows_.empty())
      Q_EMIT dataChanged(index(0, 0), index(static_cast<int>(rows_.size()) - 1, ColumnCount - 1));
    return;
  }
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
}

void LayerTableModel::set_analysis(const nlohmann::json& analysis) {
  const auto it = analysis.find("layers");
  const bool matches = it != analysis.end() && it->is_array() && it->size() == rows_.size();
  for (size_t i = 0; i < rows_.size(); ++i) {
    Row& r = rows_[i];
    r.figures = matches;
    if (!matches) continue;
    const auto& l = (*it)[i];
    r.params = l["decode"]["params"].get<qulonglong>();
    r.kv_held = l["prefill"]["kv_bytes_held"].get<qulonglong>();
    r.decode_flops = l["decode"]["flops"].get<qulonglong>();
  }
  if (!rows_.empty())
    Q_EMIT dataChanged(index(0, Params), index(static_cast<int>(rows_.size()) - 1, DecodeFlops));
}

int LayerTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}
int LayerTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

Qt::ItemFlags LayerTableModel::flags(const QModelIndex& index) const {
  if (!index.isValid()) return Qt::NoItemFlags;
  Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
  if (edit_ && (index.column() == Attention || index.column() == Position || index.column() == Ffn))
    f |= Qt::ItemIsEditable;
  return f;
}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(rows_.size())) return {};
  const Row& r = rows_[static_cast<size_t>(index.row())];
  const int c = index.column();
  if (role == Qt::DisplayRole || role == Qt::EditRole) {
    switch (c) {
      case Layer:
        return index.row();
      case Attention:
        return r.attention;
      case Position:
        return r.position;
      case Ffn:
        return r.ffn;
      case Window:
        return r.window > 0 ? QVariant(static_cast<qlonglong>(r.window))
                            : QVariant(QStringLiteral("—"));
      case Params:
        return r.figures ? QString::fromStdString(text::params_short(r.params)) : QString();
      case KvHeld:
        return r.figures
                   ? QString::fromStdString(text::binary_bytes(static_cast<double>(r.kv_held)))
                   : QString();
      case DecodeFlops:
        return r.figures
                   ? QString::fromStdString(text::si(static_cast<double>(r.decode_flops), "FLOP"))
                   : QString();
    }
    return {};
  }
  if (role == ExactRole) {
    if (!r.figures) return {};
    if (c == Params) return r.params;
    if (c == KvHeld) return r.kv_held;
    if (c == DecodeFlops) return r.decode_flops;
    return {};
  }
  if (role == ChoicesRole) {
    if (c == Attention) return attention_choices_;
    if (c == Position) return position_choices_;
    if (c == Ffn) return QStringList{QStringLiteral("dense"), QStringLiteral("moe")};
    return {};
  }
  if (role == Qt::ToolTipRole && r.figures && c >= Params) {
    const qulonglong v = c == Params ? r.params : c == KvHeld ? r.kv_held : r.decode_flops;
    return QString::fromStdString(text::grouped(v));
  }
  if (role == Qt::TextAlignmentRole && c >= Window)
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::BackgroundRole && c == Attention) {
    static const QColor tint[] = {QColor(0xe6, 0xef, 0xfa), QColor(0xe7, 0xf5, 0xe6),
                                  QColor(0xf1, 0xeb, 0xfa), QColor(0xfd, 0xef, 0xe2),
                                  QColor(0xe4, 0xf4, 0xf3)};
    const int k = attention_choices_.indexOf(r.attention);
    return k >= 0 ? QVariant(tint[k]) : QVariant();
  }
  return {};
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole) return {};
  if (orientation == Qt::Vertical) return {};
  switch (section) {
    case Layer:
      return tr("Layer");
    case Attention:
      return tr("Attention");
    case Position:
      return tr("Position");
    case Ffn:
      return tr("FFN");
    case Window:
      return tr("Window");
    case Params:
      return tr("Params");
    case KvHeld:
      return tr("KV held");
    case DecodeFlops:
      return tr("Decode FLOPs");
  }
  return {};
}

bool LayerTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!edit_ || role != Qt::EditRole || !(flags(index) & Qt::ItemIsEditable)) return false;
  const QString v = value.toString();
  const QVariant choices = data(index, ChoicesRole);
  if (!choices.toStringList().contains(v)) return false;
  edit_(index.column(), index.row(), v);  // the owner edits the document; set_config follows
  return true;
}

}  // namespace archscope::studio
