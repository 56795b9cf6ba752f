// Draws a views/diagram layout with QPainter: the on-screen diagram and its PNG export. The SVG
// writer draws the same layout, so the two agree box for box.
#pragma once

#include <QImage>
#include <QPointF>
#include <vector>

#include "diagram/diagram_layout.hpp"

class QPainter;

namespace archscope::studio {

void paint_layout(QPainter& painter, const diagram::DiagramLayout& layout, QPointF origin);

// Layouts side by side `gap` apart, as the SVG writer places them.
QSizeF layouts_size(const std::vector<diagram::DiagramLayout>& layouts, double gap = 24);
void paint_layouts(QPainter& painter, const std::vector<diagram::DiagramLayout>& layouts,
                   double gap = 24);
// The layouts rendered at `scale` × their size (2 for a sharp PNG), white background.
QImage render_layouts(const std::vector<diagram::DiagramLayout>& layouts, double scale);

}  // namespace archscope::studio
