#include "widgets/run_layer_chart.hpp"

#include <QPaintEvent>
#include <QPainter>
#include <algorithm>

namespace archscope::studio {

namespace {
constexpr int kBar = 9, kGap = 5, kTop = 24, kLabel = 90;
}

RunLayerChart::RunLayerChart(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("run-layer-chart"));
  setBackgroundRole(QPalette::Base);
  setAutoFillBackground(true);
}

QColor RunLayerChart::run_colour(size_t run) {
  static const QColor colours[] = {QColor(0x2f, 0x6f, 0xb5), QColor(0xe0, 0x7b, 0x20),
                                   QColor(0x3a, 0x9a, 0x4a), QColor(0xa0, 0x3c, 0xa8)};
  return colours[run % std::size(colours)];
}

void RunLayerChart::set_comparison(const views::compare::Comparison& c) {
  clear();
  for (const auto& r : c.runs)
    runs_ << QStringLiteral("#%1 %2").arg(r.id).arg(QString::fromStdString(r.name));
  const bool any_decode =
      std::any_of(c.layers.begin(), c.layers.end(),
                  [](const views::compare::Row& r) { return r.key.rfind("decode ", 0) == 0; });
  phase_ = any_decode ? QStringLiteral("decode") : QStringLiteral("prefill");
  const std::string prefix = phase_.toStdString() + " ";
  for (const views::compare::Row& r : c.layers) {
    if (r.key.rfind(prefix, 0) != 0) continue;
    labels_.push_back(QString::fromStdString(r.key.substr(prefix.size())));
    std::vector<double> values;
    for (const views::compare::Cell& cell : r.cells) {
      values.push_back(cell.has_value() ? cell.value : -1.0);
      if (cell.has_value()) max_ = std::max(max_, cell.value);
    }
    ms_.push_back(std::move(values));
  }
  setMinimumHeight(sizeHint().height());  // the scroll area scrolls instead of squeezing rows
  updateGeometry();
  update();
}

void RunLayerChart::clear() {
  runs_.clear();
  labels_.clear();
  ms_.clear();
  max_ = 0;
  phase_.clear();
  setMinimumHeight(0);
  update();
}

QSize RunLayerChart::sizeHint() const {
  const int per_layer = std::max<int>(1, static_cast<int>(runs_.size())) * kBar + kGap;
  return {500, kTop + static_cast<int>(labels_.size()) * per_layer + 8};
}

void RunLayerChart::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing, false);
  if (labels_.empty()) {
    p.drawText(rect(), Qt::AlignCenter, tr("No per-layer span times (recorded with --no-spans?)"));
    return;
  }
  // Legend: what is drawn and one swatch per run.
  int x = 6;
  p.drawText(QRect(x, 4, 260, 16), Qt::AlignLeft | Qt::AlignVCenter,
             tr("%1 span time per layer, ms per step").arg(phase_));
  x += 270;
  for (int i = 0; i < runs_.size(); ++i) {
    p.fillRect(QRect(x, 8, 10, 10), run_colour(static_cast<size_t>(i)));
    const int w = p.fontMetrics().horizontalAdvance(runs_[i]) + 8;
    p.drawText(QRect(x + 14, 4, w, 16), Qt::AlignLeft | Qt::AlignVCenter, runs_[i]);
    x += 14 + w + 8;
  }
  const int n_runs = static_cast<int>(runs_.size());
  QFont small = font();
  small.setPointSizeF(small.pointSizeF() * 0.75);
  const int plot = std::max(40, width() - kLabel - 80);
  int y = kTop;
  for (size_t l = 0; l < labels_.size(); ++l) {
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRect(4, y, kLabel - 8, n_runs * kBar), Qt::AlignRight | Qt::AlignVCenter,
               labels_[l]);
    for (int r = 0; r < n_runs; ++r) {
      const double v = ms_[l][static_cast<size_t>(r)];
      if (v < 0) continue;  // this run's model has no such layer
      const int w = max_ > 0 ? std::max(1, static_cast<int>(v / max_ * plot)) : 1;
      p.fillRect(QRect(kLabel, y + r * kBar, w, kBar - 1), run_colour(static_cast<size_t>(r)));
      p.setFont(small);
      p.drawText(QRect(kLabel + w + 4, y + r * kBar - 2, 80, kBar + 4),
                 Qt::AlignLeft | Qt::AlignVCenter, QString::number(v, 'f', 3));
      p.setFont(font());
    }
    y += n_runs * kBar + kGap;
  }
}

}  // namespace archscope::studio
