#include "diagram/diagram_svg.hpp"

#include <algorithm>
#include <cmath>

#include "svg/svg_builder.hpp"
#include "svg/xml_text.hpp"

namespace archscope::diagram {

namespace {

// DejaVu Sans averages about 0.55 em per character: cut labels that would overflow their box.
size_t fit_chars(double width, double size) {
  return static_cast<size_t>(std::max(4.0, width / (size * 0.56)));
}

const char* weight(TextStyle s) {
  return s == TextStyle::Heading || s == TextStyle::Title || s == TextStyle::Badge ? "bold"
                                                                                   : "normal";
}

}  // namespace

std::string diagrams_svg(const std::vector<DiagramLayout>& layouts, const std::string& title,
                         double gap) {
  double width = 0, height = 0;
  for (const auto& l : layouts) {
    width += l.width + (width > 0 ? gap : 0);
    height = std::max(height, l.height);
  }
  svg::SvgBuilder b(std::max(width, 1.0), std::max(height, 1.0), title);
  double x0 = 0;
  for (const auto& l : layouts) {
    b.open("g", {{"class", "diagram"}, {"transform", "translate(" + svg::num(x0) + ",0)"}});
    for (const LayoutBox& box : l.boxes) {
      const Rgb fill = box.fill;
      const Rgb stroke = box.changed ? changed_stroke() : box.stroke;
      svg::Attrs extra = {{"stroke", stroke.hex()},
                          {"rx", box.id.empty() && !box.dashed ? "2" : "6"},
                          {"class", box.id.empty() ? (box.dashed ? "group" : "mark")
                                                   : (box.changed ? "block changed" : "block")}};
      if (box.dashed) extra.push_back({"stroke-dasharray", "6 4"});
      if (box.id.empty() && !box.dashed) extra[0].second = "none";
      b.rect(box.x, box.y, box.w, box.h, fill.hex(), extra, box.tooltip);
    }
    for (const LayoutArrow& a : l.arrows) {
      b.line(a.x, a.y1, a.x, a.y2 - 5, "#666666", {{"stroke-width", "1.5"}});
      b.element("path", {{"d", "M" + svg::num(a.x - 4) + "," + svg::num(a.y2 - 6) + " L" +
                                   svg::num(a.x + 4) + "," + svg::num(a.y2 - 6) + " L" +
                                   svg::num(a.x) + "," + svg::num(a.y2) + " Z"},
                         {"fill", "#666666"}});
    }
    for (const LayoutText& t : l.texts) {
      const double size = font_size(t.style);
      b.text(t.x, t.y, svg::truncate(t.text, fit_chars(t.max_width, size)),
             {{"font-size", svg::num(size)},
              {"font-weight", weight(t.style)},
              {"fill", t.colour.hex()},
              {"font-family", "DejaVu Sans, Verdana, sans-serif"}});
    }
    b.close();
    x0 += l.width + gap;
  }
  return b.finish();
}

}  // namespace archscope::diagram
