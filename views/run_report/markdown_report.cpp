#include "run_report/markdown_report.hpp"

#include <cctype>
#include <fstream>

#include "common/error.hpp"
#include "run_report/report_figures.hpp"
#include "run_report/kernel_section.hpp"
#include "run_report/quant_section.hpp"
#include "run_report/report_tables.hpp"
#include "run_report/run_slice.hpp"
#include "svg/svg_builder.hpp"

namespace archscope::views {

namespace {

void write_table(std::string& out, const TableData& t) {
  out += "**" + markdown_escape(t.caption) + "**\n\n|";
  for (const auto& h : t.header) out += " " + (h.empty() ? std::string(" ") : markdown_escape(h)) + " |";
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
  for (unsigned char c : stem) s += std::isalnum(c) || c == '-' || c == '_' || c == '.' ? static_cast<char>(c) : '-';
  return s.empty() ? "report" : s;
}

void add_figure(MarkdownReport& report, const std::string& file, const Figure& f) {
  report.markdown += "![" + markdown_escape(f.caption) + "](" + file + ")\n\n";
  report.figures.push_back({file, svg::standalone(f.svg)});
}

}  // namespace

std::string markdown_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\n':
      case '\r': out += ' '; break;
      case '\\': case '`': case '*': case '_': case '{': case '}': case '[': case ']': case '(': case ')':
      case '#': case '+': case '!': case '|': case '~':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

MarkdownReport render_run_report_markdown(const std::vector<ReportRun>& runs, const std::string& stem) {
  const std::string prefix = safe_stem(stem);
  MarkdownReport report;
  std::string& md = report.markdown;
  md = "# archscope report";
  if (runs.size() == 1) md += ": " + markdown_escape(runs.front().info.name);
  if (runs.size() > 1) md += ": " + std::to_string(runs.size()) + " runs";
  md += "\n\n";
  if (runs.empty()) return md += "No runs.\n", report;

  write_table(md, metadata_table(runs));
  write_table(md, summary_table(runs));
  if (runs.size() > 1) {
    md += "## Comparison\n\n";
    for (const Figure& f : comparison_figures(runs)) add_figure(report, prefix + "-" + f.id + ".svg", f);
    write_table(md, kind_comparison_table(runs));
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    const ReportRun& run = runs[i];
    md += "## " + markdown_escape(run.info.name) + "\n\n";
    if (run.quant) {
      md += "### Quantization\n\n";
      for (const TableData& t : quant_tables(*run.quant)) write_table(md, t);
      for (const Figure& f : quant_figures(*run.quant))
        add_figure(report, prefix + "-run" + std::to_string(i + 1) + "-" + f.id + ".svg", f);
      continue;
    }
    for (const Figure& f : run_figures(run))
      add_figure(report, prefix + "-run" + std::to_string(i + 1) + "-" + f.id + ".svg", f);
    if (run.slice) {
      md += "### " + markdown_escape(slice_caption(*run.slice)) + "\n\n";
      md +=
          "Only these layers ran (with the embedding and head); every figure of this run above "
          "and below is the slice's own, except those marked EXTRAPOLATED here.\n\n";
      write_table(md, slice_table(*run.slice));
      write_table(md, slice_class_table(*run.slice));
    }
    if (!run.summary.prefill.empty() || !run.summary.decode_mean.empty()) {
      write_table(md, layer_table(run));
      write_table(md, kind_table(run));
    }
    if (!run.records.kernels.empty()) {
      md += "### Kernels\n\n";
      write_table(md, kernel_table(run));
    }
    if (!run.records.step_memory.empty()) write_table(md, device_memory_table(run));
    if (!run.records.activations.empty()) {
      const TableData numerics = numerics_table(run);
      if (numerics.rows.empty())
        md += "Every residual-stream sample was finite.\n\n";
      else
        write_table(md, numerics);
    } else if (!run.info.checks) {
      md += "Numeric checks (NaN/Inf, residual RMS) were off for this run.\n\n";
    }
  }
  return report;
}

void write_markdown_report(const std::filesystem::path& path, const std::vector<ReportRun>& runs) {
  const MarkdownReport report = render_run_report_markdown(runs, path.stem().string());
  auto write = [](const std::filesystem::path& p, const std::string& content) {
    std::ofstream out(p, std::ios::binary);
    out << content;
    if (!out.flush()) throw Error(ErrorKind::System, p.string(), "cannot write the report file");
  };
  write(path, report.markdown);
  for (const MarkdownFile& f : report.figures) write(path.parent_path() / f.name, f.content);
}

}  // namespace archscope::views
