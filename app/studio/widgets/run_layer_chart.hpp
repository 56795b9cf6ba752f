// The per-layer span time of one or several stored runs as horizontal bars: one row per layer
// (embed, L000.., head) of the chosen phase, one bar per run in its own colour, the value at the
// bar's end. It draws the comparison model's layer rows (per-step means), nothing else.
#pragma once

#include <QColor>
#include <QStringList>
#include <QWidget>
#include <vector>

#include "compare/comparison.hpp"

namespace archscope::studio {

class RunLayerChart : public QWidget {
  Q_OBJECT
 public:
  explicit RunLayerChart(QWidget* parent = nullptr);
  // Decode rows when the runs have any, else prefill.
  void set_comparison(const views::compare::Comparison& c);
  void clear();
  const QString& phase() const { return phase_; }
  int layer_count() const { return static_cast<int>(labels_.size()); }
  static QColor run_colour(size_t run);
  QSize sizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QString phase_;
  QStringList runs_;
  std::vector<QString> labels_;
  std::vector<std::vector<double>> ms_;  // [layer][run], < 0: missing
  double max_ = 0;
};

}  // namespace archscope::studio
