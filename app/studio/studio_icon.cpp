#include "studio_icon.hpp"

#include <QPainter>
#include <QPixmap>

namespace archscope::studio {

namespace {

// In a 64 × 64 box, as in the SVG: a rounded tile and four blocks (attention, MoE, attention,
// head).
QPixmap draw(int px) {
  QPixmap pm(px, px);
  pm.fill(Qt::transparent);
  QPainter p(&pm);
  p.setRenderHint(QPainter::Antialiasing);
  p.scale(px / 64.0, px / 64.0);
  p.setPen(Qt::NoPen);
  p.setBrush(QColor(0x1f, 0x3b, 0x73));
  p.drawRoundedRect(QRectF(2, 2, 60, 60), 12, 12);
  const QColor blocks[] = {QColor(0x86, 0xbc, 0xe0), QColor(0xf2, 0x8e, 0x2b),
                           QColor(0x86, 0xbc, 0xe0), QColor(0x76, 0xb7, 0xb2)};
  for (int i = 0; i < 4; ++i) {
    p.setBrush(blocks[i]);
    p.drawRoundedRect(QRectF(12, 11 + i * 11, 40, 8), 2.5, 2.5);
  }
  return pm;
}

}  // namespace

QIcon studio_icon() {
  QIcon icon;
  for (int px : {16, 24, 32, 48, 64, 128, 256}) icon.addPixmap(draw(px));
  return icon;
}

}  // namespace archscope::studio
