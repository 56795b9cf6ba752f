// Block diagrams on screen: one or several layouts side by side, zoomable (Ctrl + wheel, or the
// zoom actions), a tooltip with the exact figures of the block under the pointer, and a click on a
// block reported so the Explain panel can follow it.
#pragma once

#include <QWidget>
#include <vector>

#include "diagram/diagram_layout.hpp"

namespace archscope::studio {

class DiagramWidget : public QWidget {
  Q_OBJECT
 public:
  explicit DiagramWidget(QWidget* parent = nullptr);
  void set_layouts(std::vector<diagram::DiagramLayout> layouts);
  const std::vector<diagram::DiagramLayout>& layouts() const { return layouts_; }
  void set_zoom(double zoom);
  double zoom() const { return zoom_; }
  QSize sizeHint() const override;
  // The size at zoom 1 (margins included).
  QSizeF natural_size() const;

 Q_SIGNALS:
  // The block (diagram_diff ids) of layout `column` under a click.
  void blockClicked(int column, const QString& id);

 protected:
  void paintEvent(QPaintEvent* e) override;
  bool event(QEvent* e) override;
  void mousePressEvent(QMouseEvent* e) override;
  void wheelEvent(QWheelEvent* e) override;

 private:
  // The innermost block at a widget position: (column, box index) or (-1, -1).
  std::pair<int, int> hit(QPointF pos) const;
  std::vector<diagram::DiagramLayout> layouts_;
  double zoom_ = 1.0;
};

}  // namespace archscope::studio
