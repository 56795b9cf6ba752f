// A stored run, or several side by side: a heading (what was run, how, and whether the settings
// match), then the comparison model's figures, span time per layer and per op kind as tables, one
// column per run with the change against the first, and the per-layer times as a bar chart. The
// runs browser shows one of these for an opened run and one for a comparison.
#pragma once

#include <QWidget>

#include "compare/comparison.hpp"
#include "model/run_records.hpp"
#include "quant/eval_result.hpp"

class QLabel;
class QTabWidget;
class QTableView;

namespace archscope::studio {

class RunComparisonModel;
class RunLayerChart;
class QuantResultsView;

class RunFiguresView : public QWidget {
  Q_OBJECT
 public:
  explicit RunFiguresView(const QString& placeholder, QWidget* parent = nullptr);
  // One run: `run` fills the heading (status, reason, shape, device, times). `quant`: the
  // `archscope quant` results stored with the run, shown in a "Quantization" tab (hidden when
  // null, and for comparisons).
  void show_run(const prof::RunInfo& run, const views::compare::Comparison& c,
                const quant::EvalResult* quant = nullptr);
  void show_comparison(const views::compare::Comparison& c);
  void clear();
  bool empty() const;

  QLabel& heading() { return *heading_; }
  QTabWidget& tabs() { return *tabs_; }
  RunComparisonModel& figures() { return *figures_; }
  RunComparisonModel& layers() { return *layers_; }
  RunComparisonModel& kinds() { return *kinds_; }
  RunLayerChart& chart() { return *chart_; }
  QuantResultsView& quant() { return *quant_; }
  bool quant_shown() const;

 private:
  void set_models(const views::compare::Comparison& c);
  QString placeholder_;
  QLabel* heading_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  RunComparisonModel* figures_ = nullptr;
  RunComparisonModel* layers_ = nullptr;
  RunComparisonModel* kinds_ = nullptr;
  RunLayerChart* chart_ = nullptr;
  QuantResultsView* quant_ = nullptr;
  int quant_tab_ = -1;
};

}  // namespace archscope::studio
