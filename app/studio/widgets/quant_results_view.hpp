// The results of an `archscope quant` measurement stored with a run: the report's quantization
// tables (schemes with bits/weight, bytes, KL, top-1 and perplexity; SQNR and residual error per
// layer; activation outliers) and its three charts (KL against bits per weight with the Pareto
// front, error growth through depth, SQNR per layer), from the same views functions the report
// uses, so the studio and `archscope report` show the same figures.
#pragma once

#include <QWidget>
#include <vector>

#include "quant/eval_result.hpp"

class QLabel;
class QTableWidget;
class QVBoxLayout;

namespace archscope::studio {

class LineChartWidget;

class QuantResultsView : public QWidget {
  Q_OBJECT
 public:
  explicit QuantResultsView(QWidget* parent = nullptr);
  void show_result(const quant::EvalResult& r);
  void clear();

  // For tests: the tables in the report's order and the charts (pareto, depth, SQNR).
  const std::vector<QTableWidget*>& tables() const { return tables_; }
  const std::vector<LineChartWidget*>& charts() const { return charts_; }

 private:
  QVBoxLayout* content_ = nullptr;
  std::vector<QTableWidget*> tables_;
  std::vector<QLabel*> captions_;
  std::vector<LineChartWidget*> charts_;
};

}  // namespace archscope::studio
