// A diagram layout (or several side by side) as a standalone SVG element: the export format of
// the studio's diagrams. Tooltips carry each block's exact figures.
#pragma once

#include <string>
#include <vector>

#include "diagram/diagram_layout.hpp"

namespace archscope::diagram {

// Layouts side by side, left to right, `gap` pixels apart; `title` is the document title.
std::string diagrams_svg(const std::vector<DiagramLayout>& layouts, const std::string& title,
                         double gap = 24);

}  // namespace archscope::diagram
