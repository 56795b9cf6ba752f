#include "run_report/html_report.hpp"

#include "run_report/report_figures.hpp"
#include "run_report/kernel_section.hpp"
#include "run_report/quant_section.hpp"
#include "run_report/report_tables.hpp"
#include "run_report/run_slice.hpp"
#include "svg/xml_text.hpp"

namespace archscope::views {

namespace {

using svg::escape;

// No '<' or '&' in here: polyglot XHTML keeps <style> content parseable as XML text.
constexpr const char* kStyle = R"css(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #222; background: #fafafa; margin: 0; line-height: 1.45; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.3em; margin: 36px 0 8px; padding-top: 8px; border-top: 2px solid #e6e6e6; }
h3 { font-size: 1.05em; margin: 24px 0 6px; color: #444; }
p.lead { color: #666; margin: 0 0 16px; }
nav a { margin-right: 14px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.9em; }
caption { text-align: left; font-weight: 600; padding: 4px 0; color: #444; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e6e6e6; vertical-align: top; }
th { background: #f3f3f3; text-align: left; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:hover { background: #f7f9fc; }
figure { margin: 12px 0 20px; }
figure svg { max-width: 100%; height: auto; display: block; border: 1px solid #eee; }
figcaption { font-size: 0.85em; color: #666; margin-top: 4px; }
.warn { color: #a4262c; }
.ok { color: #2e7d32; }
)css";

void write_table(std::string& out, const TableData& t) {
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

void write_figure(std::string& out, const Figure& f) {
  // No id attribute: the same figure ids repeat for every run, and XHTML ids must be unique.
  out += "<figure class=\"chart\">\n" + f.svg + "<figcaption>" + escape(f.caption) + "</figcaption>\n</figure>\n";
}

void write_run(std::string& out, const ReportRun& run, size_t index) {
  out += "<section class=\"run\" id=\"run-" + std::to_string(index + 1) + "\">\n<h2>" + escape(run.info.name) + "</h2>\n";
  out += "<p class=\"lead\">" + escape(run.info.model) + " · " + escape(run.info.backend) + " · " +
         escape(run.info.device) + "</p>\n";
  if (run.quant) {
    out += "<h3>Quantization</h3>\n";
    for (const TableData& t : quant_tables(*run.quant)) write_table(out, t);
    for (const Figure& f : quant_figures(*run.quant)) write_figure(out, f);
    out += "</section>\n";
    return;
  }
  const std::vector<Figure> figures = run_figures(run);
  if (figures.empty()) out += "<p>No per-layer summaries, steps or expert counts were recorded for this run.</p>\n";
  for (const Figure& f : figures) write_figure(out, f);
  if (run.slice) {
    out += "<h3>" + escape(slice_caption(*run.slice)) + "</h3>\n";
    out +=
        "<p>Only these layers ran (with the embedding and head); every figure of this run is the "
        "slice's own, except those marked EXTRAPOLATED here.</p>\n";
    write_table(out, slice_table(*run.slice));
    write_table(out, slice_class_table(*run.slice));
  }
  if (!run.summary.prefill.empty() || !run.summary.decode_mean.empty()) {
    write_table(out, layer_table(run));
    write_table(out, kind_table(run));
  }
  if (!run.records.kernels.empty()) {
    out += "<h3>Kernels</h3>\n";
    write_table(out, kernel_table(run));
  }
  if (!run.records.step_memory.empty()) write_table(out, device_memory_table(run));
  if (!run.records.activations.empty()) {
    const TableData numerics = numerics_table(run);
    if (numerics.rows.empty())
      out += "<p class=\"ok\">Every residual-stream sample was finite.</p>\n";
    else
      write_table(out, numerics);
  } else if (!run.info.checks) {
    out += "<p>Numeric checks (NaN/Inf, residual RMS) were off for this run.</p>\n";
  }
  out += "</section>\n";
}

}  // namespace

std::string render_run_report_html(const std::vector<ReportRun>& runs) {
  std::string title = "archscope report";
  if (runs.size() == 1) title += ": " + runs.front().info.name;
  if (runs.size() > 1) title += ": " + std::to_string(runs.size()) + " runs";

  std::string out = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\" xml:lang=\"en\">\n<head>\n";
  out += "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n";
  out += "<title>" + escape(title) + "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n<main>\n";
  out += "<h1>" + escape(title) + "</h1>\n";
  if (runs.empty()) return out + "<p>No runs.</p>\n</main>\n</body>\n</html>\n";

  if (runs.size() > 1) {
    out += "<nav>";
    for (size_t i = 0; i < runs.size(); ++i)
      out += "<a href=\"#run-" + std::to_string(i + 1) + "\">" + escape(runs[i].info.name) + "</a>";
    out += "<a href=\"#comparison\">comparison</a></nav>\n";
  }
  write_table(out, metadata_table(runs));
  write_table(out, summary_table(runs));
  if (runs.size() > 1) {
    out += "<section id=\"comparison\">\n<h2>Comparison</h2>\n";
    for (const Figure& f : comparison_figures(runs)) write_figure(out, f);
    write_table(out, kind_comparison_table(runs));
    out += "</section>\n";
  }
  for (size_t i = 0; i < runs.size(); ++i) write_run(out, runs[i], i);
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace archscope::views
