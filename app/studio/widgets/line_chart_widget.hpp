// A views line chart (charts::LineChart: axes with their ticks, series, dashed lines) painted
// with QPainter, so the studio shows the very chart model the report writes as SVG. Markers sit
// on every point while a series has few of them (as in the SVG writer), which is what makes a
// one-point series — a scheme on the KL-vs-bits plot — visible.
#pragma once

#include <QWidget>

#include "charts/line_chart.hpp"

namespace archscope::studio {

class LineChartWidget : public QWidget {
  Q_OBJECT
 public:
  explicit LineChartWidget(QWidget* parent = nullptr);
  void set_chart(charts::LineChart chart);
  const charts::LineChart& chart() const { return chart_; }
  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  charts::LineChart chart_;
};

}  // namespace archscope::studio
