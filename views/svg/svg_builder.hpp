// A minimal SVG element writer: every attribute value and text node is escaped here, so chart
// renderers cannot forget it, and elements are closed in order so the output is well-formed XML.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace archscope::svg {

using Attrs = std::vector<std::pair<std::string, std::string>>;  // name, raw (unescaped) value

// Coordinates as short decimal text ("12.5").
std::string num(double v);

class SvgBuilder {
 public:
  // A fixed viewBox of width × height user units; `title` becomes the document's <title>.
  SvgBuilder(double width, double height, const std::string& title);

  // A leaf element; a non-empty tooltip becomes a <title> child (the browser shows it on hover).
  void element(const std::string& name, const Attrs& attrs, const std::string& tooltip = "");
  // <text> with escaped content.
  void text(double x, double y, const std::string& content, const Attrs& attrs = {});
  void open(const std::string& name, const Attrs& attrs, const std::string& tooltip = "");
  void close();

  // Shorthands for the common shapes.
  void rect(double x, double y, double w, double h, const std::string& fill, const Attrs& extra = {},
            const std::string& tooltip = "");
  void line(double x1, double y1, double x2, double y2, const std::string& stroke, const Attrs& extra = {});

  // Closes what is still open and returns the <svg> element (no XML declaration, so it can be
  // inlined into XHTML).
  std::string finish();

 private:
  void write_open(const std::string& name, const Attrs& attrs);
  std::string out_;
  std::vector<std::string> stack_;
};

// The element as a standalone .svg file: XML declaration + element + newline.
std::string standalone(const std::string& svg_element);

}  // namespace archscope::svg
