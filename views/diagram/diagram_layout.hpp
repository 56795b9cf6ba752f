// A block diagram placed on a page: boxes, text and arrows in pixel coordinates with their
// colours, computed once and drawn by both renderers (SVG for export, QPainter in the studio), so
// the two never disagree. Blocks and lines named in `changed` (ids from diagram_diff.hpp) are
// highlighted.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "charts/palette.hpp"
#include "diagram/block_diagram.hpp"

namespace archscope::diagram {

using charts::Rgb;

enum class TextStyle { Heading, Title, Body, Figure, Badge };

struct LayoutBox {
  double x = 0, y = 0, w = 0, h = 0;
  Rgb fill, stroke;
  bool changed = false;
  bool dashed = false;  // repeat groups
  std::string id;       // block id (diagram_diff.hpp), "" for decoration
  std::string tooltip;
};

struct LayoutText {
  double x = 0, y = 0;   // baseline start
  double max_width = 0;  // the renderer elides beyond this
  std::string text;
  TextStyle style = TextStyle::Body;
  bool changed = false;
  Rgb colour;
};

struct LayoutArrow {
  double x = 0, y1 = 0, y2 = 0;  // vertical, pointing down
};

struct DiagramLayout {
  double width = 0, height = 0;
  std::vector<LayoutBox> boxes;
  std::vector<LayoutText> texts;
  std::vector<LayoutArrow> arrows;
};

// Font sizes (px) the layout assumes for each style; renderers use them.
double font_size(TextStyle style);
// Colours of a changed block / line.
Rgb changed_fill();
Rgb changed_stroke();

DiagramLayout layout_diagram(const BlockDiagram& diagram,
                             const std::set<std::string>& changed = {});

}  // namespace archscope::diagram
