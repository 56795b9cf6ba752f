#include "svg/svg_builder.hpp"

#include <algorithm>
#include <cmath>

#include "report/text_format.hpp"
#include "svg/xml_text.hpp"

namespace archscope::svg {

std::string num(double v) {
  if (!std::isfinite(v)) return "0";  // never emit "nan" into an attribute
  std::string s = text::fixed(v, 1);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s == "-0" ? "0" : s;
}

SvgBuilder::SvgBuilder(double width, double height, const std::string& title) {
  write_open("svg", {{"xmlns", "http://www.w3.org/2000/svg"},
                     {"viewBox", "0 0 " + num(width) + " " + num(height)},
                     {"width", num(width)},
                     {"height", num(height)},
                     {"role", "img"},
                     {"font-family", "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"},
                     {"font-size", "12"},
                     {"fill", "#222"}});
  out_ += ">\n";
  stack_.push_back("svg");
  out_ += "<title>" + escape(title) + "</title>\n";
  // White background so standalone files read the same in dark-themed viewers.
  rect(0, 0, width, height, "#ffffff");
}

void SvgBuilder::write_open(const std::string& name, const Attrs& attrs) {
  out_ += "<" + name;
  for (const auto& [key, value] : attrs) out_ += " " + key + "=\"" + escape(value) + "\"";
}

void SvgBuilder::element(const std::string& name, const Attrs& attrs, const std::string& tooltip) {
  write_open(name, attrs);
  if (tooltip.empty()) {
    out_ += "/>\n";
  } else {
    out_ += "><title>" + escape(tooltip) + "</title></" + name + ">\n";
  }
}

void SvgBuilder::text(double x, double y, const std::string& content, const Attrs& attrs) {
  Attrs all = {{"x", num(x)}, {"y", num(y)}};
  all.insert(all.end(), attrs.begin(), attrs.end());
  write_open("text", all);
  out_ += ">" + escape(content) + "</text>\n";
}

void SvgBuilder::open(const std::string& name, const Attrs& attrs, const std::string& tooltip) {
  write_open(name, attrs);
  out_ += ">\n";
  if (!tooltip.empty()) out_ += "<title>" + escape(tooltip) + "</title>\n";
  stack_.push_back(name);
}

void SvgBuilder::close() {
  if (stack_.size() <= 1) return;  // the <svg> root is closed by finish()
  out_ += "</" + stack_.back() + ">\n";
  stack_.pop_back();
}

void SvgBuilder::rect(double x, double y, double w, double h, const std::string& fill, const Attrs& extra,
                      const std::string& tooltip) {
  Attrs all = {{"x", num(x)}, {"y", num(y)}, {"width", num(std::max(0.0, w))},
               {"height", num(std::max(0.0, h))}, {"fill", fill}};
  all.insert(all.end(), extra.begin(), extra.end());
  element("rect", all, tooltip);
}

void SvgBuilder::line(double x1, double y1, double x2, double y2, const std::string& stroke, const Attrs& extra) {
  Attrs all = {{"x1", num(x1)}, {"y1", num(y1)}, {"x2", num(x2)}, {"y2", num(y2)}, {"stroke", stroke}};
  all.insert(all.end(), extra.begin(), extra.end());
  element("line", all);
}

std::string SvgBuilder::finish() {
  while (!stack_.empty()) {
    out_ += "</" + stack_.back() + ">\n";
    stack_.pop_back();
  }
  return std::move(out_);
}

std::string standalone(const std::string& svg_element) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg_element;
}

}  // namespace archscope::svg
