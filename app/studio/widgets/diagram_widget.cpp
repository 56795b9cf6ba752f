#include "widgets/diagram_widget.hpp"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>

#include "widgets/diagram_painter.hpp"

namespace archscope::studio {

namespace {
constexpr double kGap = 24;
constexpr double kMargin = 8;
}  // namespace

DiagramWidget::DiagramWidget(QWidget* parent) : QWidget(parent) {
  setAutoFillBackground(true);
  QPalette pal = palette();
  pal.setColor(QPalette::Window, Qt::white);
  setPalette(pal);
  setMouseTracking(true);
}

void DiagramWidget::set_layouts(std::vector<diagram::DiagramLayout> layouts) {
  layouts_ = std::move(layouts);
  updateGeometry();
  resize(sizeHint());
  update();
}

void DiagramWidget::set_zoom(double zoom) {
  zoom_ = std::clamp(zoom, 0.25, 4.0);
  updateGeometry();
  resize(sizeHint());
  update();
}

QSizeF DiagramWidget::natural_size() const {
  const QSizeF s = layouts_size(layouts_, kGap);
  return {s.width() + 2 * kMargin, s.height() + 2 * kMargin};
}

QSize DiagramWidget::sizeHint() const {
  const QSizeF s = layouts_size(layouts_, kGap);
  return QSize(static_cast<int>((s.width() + 2 * kMargin) * zoom_) + 1,
               static_cast<int>((s.height() + 2 * kMargin) * zoom_) + 1);
}

void DiagramWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), Qt::white);
  if (layouts_.empty()) {
    p.setPen(QColor(0x66, 0x66, 0x66));
    p.drawText(rect(), Qt::AlignCenter,
               tr("No diagram: the configuration has an error, or none is open."));
    return;
  }
  p.scale(zoom_, zoom_);
  p.translate(kMargin, kMargin);
  paint_layouts(p, layouts_, kGap);
}

std::pair<int, int> DiagramWidget::hit(QPointF pos) const {
  const QPointF q = pos / zoom_ - QPointF(kMargin, kMargin);
  double x0 = 0;
  for (size_t c = 0; c < layouts_.size(); ++c) {
    const auto& l = layouts_[c];
    int best = -1;
    for (size_t i = 0; i < l.boxes.size(); ++i) {
      const auto& b = l.boxes[i];
      if (b.id.empty()) continue;
      if (q.x() >= x0 + b.x && q.x() <= x0 + b.x + b.w && q.y() >= b.y && q.y() <= b.y + b.h)
        best = static_cast<int>(i);
    }
    if (best >= 0) return {static_cast<int>(c), best};
    x0 += l.width + kGap;
  }
  return {-1, -1};
}

bool DiagramWidget::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(e);
    const auto [column, box] = hit(help->pos());
    if (column >= 0) {
      QToolTip::showText(
          help->globalPos(),
          QString::fromStdString(
              layouts_[static_cast<size_t>(column)].boxes[static_cast<size_t>(box)].tooltip),
          this);
    } else {
      QToolTip::hideText();
    }
    return true;
  }
  return QWidget::event(e);
}

void DiagramWidget::mousePressEvent(QMouseEvent* e) {
  const auto [column, box] = hit(e->position());
  if (column >= 0)
    Q_EMIT blockClicked(
        column, QString::fromStdString(
                    layouts_[static_cast<size_t>(column)].boxes[static_cast<size_t>(box)].id));
}

void DiagramWidget::wheelEvent(QWheelEvent* e) {
  if (e->modifiers() & Qt::ControlModifier) {
    set_zoom(zoom_ * (e->angleDelta().y() > 0 ? 1.1 : 1 / 1.1));
    e->accept();
    return;
  }
  QWidget::wheelEvent(e);
}

}  // namespace archscope::studio
