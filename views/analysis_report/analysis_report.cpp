#include "analysis_report/analysis_report.hpp"

#include <cctype>
#include <fstream>

#include "analysis_report/analysis_tables.hpp"
#include "common/error.hpp"
#include "summary/summary_rows.hpp"
#include "svg/svg_builder.hpp"
#include "svg/xml_text.hpp"

namespace archscope::views {

namespace {

using namespace analysis_detail;
using svg::escape;

// No '<' or '&' in here: polyglot XHTML keeps <style> content parseable as XML text.
constexpr const char* kStyle = R"css(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif;
       color: #222; background: #fafafa; margin: 0; line-height: 1.45; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.3em; margin: 32px 0 8px; padding-top: 8px; border-top: 2px solid #e6e6e6; }
p.lead { color: #666; margin: 0 0 16px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.9em; }
caption { text-align: left; font-weight: 600; padding: 4px 0; color: #444; }
th, td { padding: 3px 10px; border-bottom: 1px solid #e6e6e6; vertical-align: top; }
th { background: #f3f3f3; text-align: left; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 12px 0 20px; }
figure svg { max-width: 100%; height: auto; display: block; border: 1px solid #eee; }
figcaption { font-size: 0.85em; color: #666; margin-top: 4px; }
.warn { color: #8a5a00; }
)css";

void html_table(std::string& out, const TableData& t) {
  out += "<table>\n<caption>" + escape(t.caption) + "</caption>\n<thead><tr>";
  for (size_t c = 0; c < t.header.size(); ++c)
    out += std::string(t.left(c) ? "<th>" : "<th class=\"num\">") + escape(t.header[c]) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (size_t c = 0; c < row.size(); ++c)
      out += std::string(t.left(c) ? "<td>" : "<td class=\"num\">") + escape(row[c]) + "</td>";
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
}

void md_table(std::string& out, const TableData& t) {
  out += "**" + markdown_escape(t.caption) + "**\n\n|";
  for (const auto& h : t.header) out += " " + markdown_escape(h) + " |";
  out += "\n|";
  for (size_t c = 0; c < t.header.size(); ++c) out += t.left(c) ? " :--- |" : " ---: |";
  out += "\n";
  for (const auto& row : t.rows) {
    out += "|";
    for (const auto& cell : row) out += " " + markdown_escape(cell) + " |";
    out += "\n";
  }
  out += "\n";
}

std::string safe_stem(const std::string& stem) {
  std::string s;
  for (unsigned char c : stem)
    s += std::isalnum(c) || c == '-' || c == '_' || c == '.' ? static_cast<char>(c) : '-';
  return s.empty() ? "analysis" : s;
}

}  // namespace

std::string render_analysis_html(const Analysis& a) {
  const nlohmann::json j = analysis_to_json(a);
  const std::string title = "archscope analysis: " + a.config->name;
  std::string out =
      "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\" "
      "xml:lang=\"en\">\n<head>\n";
  out +=
      "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\"/>\n";
  out += "<title>" + escape(title) + "</title>\n<style>" + std::string(kStyle) +
         "</style>\n</head>\n<body>\n<main>\n";
  out += "<h1>" + escape(title) + "</h1>\n<p class=\"lead\">" + escape(subtitle(a)) + "</p>\n";
  for (const auto& w : summary::warnings(j)) out += "<p class=\"warn\">" + escape(w) + "</p>\n";
  html_table(out, summary_table(j));
  html_table(out, component_table(a));
  for (const Figure& f : figures(a))
    out += "<figure>\n" + f.svg + "<figcaption>" + escape(f.caption) + "</figcaption>\n</figure>\n";
  html_table(out, layer_table(a));
  out += "</main>\n</body>\n</html>\n";
  return out;
}

MarkdownReport render_analysis_markdown(const Analysis& a, const std::string& stem) {
  const nlohmann::json j = analysis_to_json(a);
  MarkdownReport r;
  r.markdown = "# archscope analysis: " + markdown_escape(a.config->name) + "\n\n" +
               markdown_escape(subtitle(a)) + "\n\n";
  for (const auto& w : summary::warnings(j)) r.markdown += "> " + markdown_escape(w) + "\n\n";
  md_table(r.markdown, summary_table(j));
  md_table(r.markdown, component_table(a));
  const std::string prefix = safe_stem(stem);
  for (const Figure& f : figures(a)) {
    const std::string file = prefix + "-" + f.id + ".svg";
    r.markdown += "![" + markdown_escape(f.caption) + "](" + file + ")\n\n";
    r.figures.push_back({file, svg::standalone(f.svg)});
  }
  md_table(r.markdown, layer_table(a));
  return r;
}

void write_analysis_report(const std::filesystem::path& path, const Analysis& a) {
  const auto write = [](const std::filesystem::path& p, const std::string& content) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out.flush()) throw Error(ErrorKind::Io, p.string(), "cannot write the report file");
  };
  const std::string ext = path.extension().string();
  if (ext == ".html" || ext == ".htm") {
    write(path, render_analysis_html(a));
  } else if (ext == ".md" || ext == ".markdown") {
    const MarkdownReport r = render_analysis_markdown(a, path.stem().string());
    write(path, r.markdown);
    for (const MarkdownFile& f : r.figures) write(path.parent_path() / f.name, f.content);
  } else if (ext == ".json") {
    write(path, analysis_to_json(a).dump(2) + "\n");
  } else {
    throw Error(ErrorKind::Validation, "--out",
                "'" + path.string() + "': use a .html, .md or .json file name");
  }
}

}  // namespace archscope::views
