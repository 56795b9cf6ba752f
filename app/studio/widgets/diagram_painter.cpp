#include "widgets/diagram_painter.hpp"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>

namespace archscope::studio {

namespace {

QColor qcolor(const diagram::Rgb& c) {
  return QColor(c.r, c.g, c.b);
}

QFont font_for(diagram::TextStyle s) {
  QFont f(QStringLiteral("DejaVu Sans"));
  f.setPixelSize(static_cast<int>(diagram::font_size(s)));
  f.setBold(s == diagram::TextStyle::Heading || s == diagram::TextStyle::Title ||
            s == diagram::TextStyle::Badge);
  return f;
}

}  // namespace

void paint_layout(QPainter& p, const diagram::DiagramLayout& layout, QPointF o) {
  p.save();
  p.setRenderHint(QPainter::Antialiasing, true);
  p.setRenderHint(QPainter::TextAntialiasing, true);
  for (const auto& box : layout.boxes) {
    const bool block = !box.id.empty();
    const QColor fill = qcolor(box.fill);
    const QRectF r(o.x() + box.x, o.y() + box.y, box.w, box.h);
    if (!block && !box.dashed) {  // a changed-line mark
      p.setPen(Qt::NoPen);
      p.setBrush(fill);
      p.drawRoundedRect(r, 2, 2);
      continue;
    }
    QPen pen(qcolor(box.changed ? diagram::changed_stroke() : box.stroke), box.changed ? 2.0 : 1.2);
    if (box.dashed) pen.setStyle(Qt::DashLine);
    p.setPen(pen);
    p.setBrush(fill);
    p.drawRoundedRect(r, 6, 6);
  }
  p.setPen(QPen(QColor(0x66, 0x66, 0x66), 1.5));
  p.setBrush(QColor(0x66, 0x66, 0x66));
  for (const auto& a : layout.arrows) {
    const double x = o.x() + a.x;
    p.drawLine(QPointF(x, o.y() + a.y1), QPointF(x, o.y() + a.y2 - 5));
    QPainterPath head;
    head.moveTo(x - 4, o.y() + a.y2 - 6);
    head.lineTo(x + 4, o.y() + a.y2 - 6);
    head.lineTo(x, o.y() + a.y2);
    head.closeSubpath();
    p.drawPath(head);
  }
  for (const auto& t : layout.texts) {
    const QFont f = font_for(t.style);
    p.setFont(f);
    p.setPen(qcolor(t.colour));
    const QString text =
        QFontMetricsF(f).elidedText(QString::fromStdString(t.text), Qt::ElideRight, t.max_width);
    p.drawText(QPointF(o.x() + t.x, o.y() + t.y), text);
  }
  p.restore();
}

QSizeF layouts_size(const std::vector<diagram::DiagramLayout>& layouts, double gap) {
  double w = 0, h = 0;
  for (const auto& l : layouts) {
    w += l.width + (w > 0 ? gap : 0);
    h = std::max(h, l.height);
  }
  return {w, h};
}

void paint_layouts(QPainter& p, const std::vector<diagram::DiagramLayout>& layouts, double gap) {
  double x = 0;
  for (const auto& l : layouts) {
    paint_layout(p, l, QPointF(x, 0));
    x += l.width + gap;
  }
}

QImage render_layouts(const std::vector<diagram::DiagramLayout>& layouts, double scale) {
  const QSizeF size = layouts_size(layouts);
  QImage image(std::max(1, static_cast<int>(size.width() * scale)),
               std::max(1, static_cast<int>(size.height() * scale)),
               QImage::Format_ARGB32_Premultiplied);
  image.fill(Qt::white);
  QPainter p(&image);
  p.scale(scale, scale);
  paint_layouts(p, layouts);
  return image;
}

}  // namespace archscope::studio
