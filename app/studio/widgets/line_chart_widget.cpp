#include "widgets/line_chart_widget.hpp"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>

#include "charts/palette.hpp"
#include "svg/plot_frame.hpp"

namespace archscope::studio {

namespace {

constexpr int kMinLeft = 48;      // the rotated y title and at least short tick labels
constexpr int kTop = 28;          // the title
constexpr int kBottom = 44;       // x tick labels and the x title
constexpr int kLegend = 150;      // series labels on the right
constexpr int kMarkersUpTo = 64;  // the SVG writer's rule: markers only while they stay apart

QColor colour_of(int slot) {
  const charts::Rgb c = charts::palette(slot);
  return QColor(c.r, c.g, c.b);
}

}  // namespace

LineChartWidget::LineChartWidget(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("line-chart"));
}

void LineChartWidget::set_chart(charts::LineChart chart) {
  chart_ = std::move(chart);
  setToolTip(QString::fromStdString(chart_.title));
  update();
}

QSize LineChartWidget::sizeHint() const {
  return {640, 300};
}

QSize LineChartWidget::minimumSizeHint() const {
  return {kMinLeft + kLegend + 200, kTop + kBottom + 120};
}

void LineChartWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing, true);
  const QColor text = palette().color(QPalette::Text);
  const QColor grid = palette().color(QPalette::Mid);
  p.setPen(text);
  p.drawText(QRect(6, 4, width() - 12, kTop - 8), Qt::AlignLeft | Qt::AlignVCenter,
             QString::fromStdString(chart_.title));
  if (chart_.series.empty()) {
    p.drawText(rect(), Qt::AlignCenter, tr("Nothing to plot"));
    return;
  }
  QFont small = font();
  small.setPointSizeF(small.pointSizeF() * 0.85);
  // Room for the widest y tick label (log axes in plain units print long decimals).
  int labels = 0;
  const QFontMetrics fm(small);
  for (const charts::Tick& t : chart_.y.ticks)
    labels = std::max(labels, fm.horizontalAdvance(QString::fromStdString(t.label)));
  const int kLeft = std::max(kMinLeft, 26 + labels + 6);
  const QRect frame(kLeft, kTop, std::max(40, width() - kLeft - kLegend - 16),
                    std::max(40, height() - kTop - kBottom));
  auto px = [&](double x) { return svg::map_value(chart_.x, x, frame.left(), frame.right()); };
  auto py = [&](double y) { return svg::map_value(chart_.y, y, frame.bottom(), frame.top()); };

  p.setFont(small);
  for (const charts::Tick& t : chart_.y.ticks) {
    const double y = py(t.value);
    p.setPen(QPen(grid, 1, Qt::DotLine));
    p.drawLine(QPointF(frame.left(), y), QPointF(frame.right(), y));
    p.setPen(text);
    p.drawText(QRectF(20, y - 8, kLeft - 26, 16), Qt::AlignRight | Qt::AlignVCenter,
               QString::fromStdString(t.label));
  }
  for (const charts::Tick& t : chart_.x.ticks) {
    const double x = px(t.value);
    p.setPen(QPen(grid, 1, Qt::DotLine));
    p.drawLine(QPointF(x, frame.top()), QPointF(x, frame.bottom()));
    p.setPen(text);
    p.drawText(QRectF(x - 40, frame.bottom() + 2, 80, 16), Qt::AlignHCenter | Qt::AlignTop,
               QString::fromStdString(t.label));
  }
  p.drawText(QRect(frame.left(), frame.bottom() + 20, frame.width(), 18), Qt::AlignHCenter,
             QString::fromStdString(chart_.x.title));
  p.save();
  p.translate(12, frame.center().y());
  p.rotate(-90);
  p.drawText(QRect(-frame.height() / 2, -8, frame.height(), 18), Qt::AlignHCenter,
             QString::fromStdString(chart_.y.title));
  p.restore();
  p.setPen(QPen(text, 1));
  p.setBrush(Qt::NoBrush);
  p.drawRect(frame);

  p.setClipRect(frame.adjusted(-4, -4, 4, 4));
  for (const charts::LineSeries& s : chart_.series) {
    const QColor c = colour_of(s.colour);
    QPainterPath path;
    for (size_t i = 0; i < s.points.size(); ++i) {
      const QPointF q(px(s.points[i].x), py(s.points[i].y));
      if (i == 0)
        path.moveTo(q);
      else
        path.lineTo(q);
    }
    p.setPen(QPen(c, 2, s.dashed ? Qt::DashLine : Qt::SolidLine));
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
  }
  // Markers above every line; a dashed line (a front, a capacity) joins points that other series
  // already mark, so it draws none and hides none.
  for (const charts::LineSeries& s : chart_.series) {
    if (s.dashed || s.points.size() > kMarkersUpTo) continue;
    p.setPen(Qt::NoPen);
    p.setBrush(colour_of(s.colour));
    for (const charts::Point& pt : s.points) p.drawEllipse(QPointF(px(pt.x), py(pt.y)), 3.5, 3.5);
  }
  p.setClipping(false);

  int y = frame.top() + 4;
  const int lx = frame.right() + 12;
  for (const charts::LineSeries& s : chart_.series) {
    const QColor c = colour_of(s.colour);
    p.setPen(QPen(c, 2, s.dashed ? Qt::DashLine : Qt::SolidLine));
    p.drawLine(lx, y + 8, lx + 18, y + 8);
    p.setPen(text);
    const QString label =
        p.fontMetrics().elidedText(QString::fromStdString(s.label), Qt::ElideRight, kLegend - 28);
    p.drawText(QRect(lx + 22, y, kLegend - 24, 16), Qt::AlignLeft | Qt::AlignVCenter, label);
    y += 18;
  }
}

}  // namespace archscope::studio
