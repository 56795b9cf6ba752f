// A stored run, or several side by side: a heading (what was run, how, and whether the settings
// match), then the comparison model's figures, span time per layer and per op kind as tables, one
// column per run with the change against the first, and the per-layer times as a bar chart. The
// runs browser shows one of these for an opened run and one for a comparison.
#pragma once

#include <QWidget>

#include "compare/comparison.hpp"
#include "model/run_records.hpp"

class QLabel;
class QTabWidget;
class QTableView;

namespace archscope::studio {

class RunComparisonModel;
class RunLayerChart;

class RunFiguresView : public QWidget {
  Q_OBJECT
 public:
  explicit RunFiguresView(const QString& placeholder, QWidget* parent = nullptr);
  // One run: `run` fills the heading (status, reason, shape, device, times).
  void show_run(const prof::RunInfo& run, const views::compare::Comparison& c);
  void show_comparison(const views::compare::Comparison& c);
  void clear();
  bool empty() const;

  QLabel& heading() { return *heading_; }
  QTabWidget& tabs() { return *tabs_; }
  RunComparisonModel& figures() { return *figures_; }
  RunComparisonModel& layers() { return *layers_; }
  RunComparisonModel& kinds() { return *kinds_; }
  RunLayerChart& chart() { return *chart_; }

 private:
  void set_models(const views::compare::Comparison& c);
  QString placeholder_;
  QLabel* heading_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  RunComparisonModel* figures_ = nullptr;
  RunComparisonModel* layers_ = nullptr;
  RunComparisonModel* kinds_ = nullptr;
  RunLayerChart* chart_ = nullptr;
};

}  // namespace archscope::studio
