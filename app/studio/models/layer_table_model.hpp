// The per-layer table: one row per layer with its attention kind, position kind, FFN (dense or MoE)
// and window from the configuration being edited (read even when it breaks a rule), and its
// parameters, KV held and decode FLOPs from the latest analysis (the analysis JSON's layers[]).
// When editable, the kind columns take new values; the model asks its owner to apply them
// (to every selected layer) instead of changing anything itself.
#pragma once

#include <QAbstractTableModel>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "config/model_config.hpp"

namespace archscope::studio {

class LayerTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Layer, Attention, Position, Ffn, Window, Params, KvHeld, DecodeFlops, ColumnCount };
  static constexpr int ExactRole = Qt::UserRole + 1;  // figures as exact integers (qulonglong)
  static constexpr int ChoicesRole =
      Qt::UserRole + 2;  // QStringList of values an editable cell takes

  // (column, layer, value): the owner applies the edit, typically to every selected layer.
  using EditHandler = std::function<void(int column, int layer, const QString& value)>;

  explicit LayerTableModel(QObject* parent = nullptr);
  void set_editable(EditHandler handler);
  void set_config(const ModelConfig& config);
  // Figures from an analysis JSON; ignored rows when its layer count differs from the config's.
  void set_analysis(const nlohmann::json& analysis);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

 private:
  struct Row {
    QString attention, position, ffn;
    int64_t window = 0;
    bool figures = false;
    qulonglong params = 0, kv_held = 0, decode_flops = 0;
  };
  std::vector<Row> rows_;
  EditHandler edit_;
  QStringList attention_choices_, position_choices_;
};

}  // namespace archscope::studio
