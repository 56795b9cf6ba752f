#include "run_report/report_tables.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "charts/axis.hpp"
#include "charts/roofline_chart.hpp"
#include "compare/comparison_render.hpp"
#include "config/layer_range.hpp"
#include "report/text_format.hpp"

namespace archscope::views {

namespace {

constexpr const char* kNone = "-";

std::string seconds(double s) { return text::duration(s); }
std::string share(double part, double whole) { return whole > 0 ? text::fixed(100 * part / whole, 1) + "%" : kNone; }

std::vector<std::string> run_header(const std::string& first, const std::vector<ReportRun>& runs) {
  std::vector<std::string> h{first};
  for (const ReportRun& r : runs) h.push_back(r.info.name);
  return h;
}

}  // namespace

std::string delta_text(double base, double value) {
  if (!(base > 0) || !std::isfinite(value)) return "";
  const double d = 100 * (value - base) / base;
  return (d >= 0 ? "+" : "") + text::fixed(d, 1) + "%";
}

TableData metadata_table(const std::vector<ReportRun>& runs) {
  TableData t{"Runs", run_header("", runs), "l", {}};
  t.align = std::string(t.header.size(), 'l');
  auto row = [&](const std::string& field, auto get) {
    std::vector<std::string> r{field};
    for (const ReportRun& run : runs) r.push_back(get(run.info));
    t.rows.push_back(std::move(r));
  };
  using I = prof::RunInfo;
  row("model", [](const I& i) { return i.model; });
  row("backend", [](const I& i) { return i.backend; });
  row("device", [](const I& i) { return i.device; });
  row("threads", [](const I& i) { return i.threads > 0 ? std::to_string(i.threads) : std::string(kNone); });
  row("weights / KV dtype", [](const I& i) {
    const std::string w = i.weights_quant.empty() ? i.weights_dtype : i.weights_quant + " (held as " + i.weights_dtype + ")";
    return w + " / " + i.kv_dtype;
  });
  row("weights source", [](const I& i) { return prof::describe(i.weights_source); });
  row("batch / prompt / new tokens", [](const I& i) {
    return std::to_string(i.batch) + " / " + std::to_string(i.prompt_tokens) + " / " + std::to_string(i.new_tokens);
  });
  row("layers run", [](const I& i) {
    return i.sliced() ? to_string(LayerRange{i.layer_first, i.layer_last}) + " only (slice)"
                      : std::string("all");
  });
  row("status", [](const I& i) {
    return std::string(prof::to_string(i.status)) + (i.failure.empty() ? "" : ": " + i.failure);
  });
  row("started / finished", [](const I& i) { return i.started_at + " / " + (i.finished_at.empty() ? kNone : i.finished_at); });
  row("archscope version", [](const I& i) { return i.version; });
  row("git revision", [](const I& i) { return i.git_revision; });
  return t;
}

namespace {

// Comparison rows as report cells: the value, and with several runs its change against the first.
void add_comparison_rows(TableData& t, const std::vector<compare::Row>& rows) {
  for (const compare::Row& r : rows) {
    std::vector<std::string> line{r.label +
                                  (r.better == compare::Better::Lower    ? " (lower is better)"
                                   : r.better == compare::Better::Higher ? " (higher is better)"
                                                                         : "")};
    for (size_t i = 0; i < r.cells.size(); ++i) {
      std::string cell = compare::format_cell(r.unit, r.cells[i]);
      const std::string d = i == 0 ? "" : compare::format_delta(r.unit, r.delta[i]);
      if (!d.empty()) cell += " (" + d + ")";
      line.push_back(cell);
    }
    t.rows.push_back(std::move(line));
  }
}

}  // namespace

TableData summary_table(const std::vector<ReportRun>& runs) {
  TableData t{runs.size() > 1 ? "Summary (change against the first run)" : "Summary", run_header("figure", runs), "", {}};
  if (runs.empty()) return t;
  add_comparison_rows(t, compare_report_runs(runs).figures);
  return t;
}

TableData layer_table(const ReportRun& run) {
  const RunSummary& s = run.summary;
  TableData t{"Time per layer", {"layer", "prefill", "share", "decode / step", "share"}, "", {}};
  // Layers of either phase, in the order first seen (prefill's order, then any decode-only ones).
  std::vector<std::string> layers = s.prefill.layers;
  for (const auto& l : s.decode_mean.layers)
    if (std::find(layers.begin(), layers.end(), l) == layers.end()) layers.push_back(l);
  const double pt = s.prefill.total(), dt = s.decode_mean.total();
  for (const std::string& l : layers) {
    std::vector<std::string> row{l};
    for (const LayerKindTimes* times : {&s.prefill, &s.decode_mean}) {
      const auto it = std::find(times->layers.begin(), times->layers.end(), l);
      if (it == times->layers.end()) {
        row.insert(row.end(), {kNone, kNone});
        continue;
      }
      const double v = times->layer_total(static_cast<size_t>(it - times->layers.begin()));
      row.push_back(seconds(v));
      row.push_back(share(v, times == &s.prefill ? pt : dt));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

TableData kind_table(const ReportRun& run) {
  const RunSummary& s = run.summary;
  TableData t{"Time per op kind",
              {"op kind", "prefill", "share", "decode / step", "share", "decode FLOP/s", "FLOP/byte"}, "", {}};
  std::vector<std::string> kinds = s.prefill.kinds;
  for (const auto& k : s.decode_mean.kinds)
    if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
  std::map<std::string, charts::OpCost> measured;
  for (const auto& c : charts::measured_costs_by_kind(run.records.spans, prof::Phase::Decode)) measured[c.label] = c;
  const double pt = s.prefill.total(), dt = s.decode_mean.total();
  for (const std::string& k : kinds) {
    std::vector<std::string> row{k};
    for (const LayerKindTimes* times : {&s.prefill, &s.decode_mean}) {
      const auto it = std::find(times->kinds.begin(), times->kinds.end(), k);
      if (it == times->kinds.end()) {
        row.insert(row.end(), {kNone, kNone});
        continue;
      }
      const double v = times->kind_total(static_cast<size_t>(it - times->kinds.begin()));
      row.push_back(seconds(v));
      row.push_back(share(v, times == &s.prefill ? pt : dt));
    }
    const auto m = measured.find(k);
    const bool placeable = m != measured.end() && m->second.flops > 0 && m->second.seconds > 0;
    row.push_back(placeable ? text::si(static_cast<double>(m->second.flops) / m->second.seconds, "FLOP/s") : kNone);
    row.push_back(placeable && m->second.bytes > 0
                      ? text::fixed(static_cast<double>(m->second.flops) / static_cast<double>(m->second.bytes), 2)
                      : kNone);
    t.rows.push_back(std::move(row));
  }
  return t;
}

TableData kind_comparison_table(const std::vector<ReportRun>& runs) {
  TableData t{"Decode time per step by op kind (change against the first run)", run_header("op kind", runs), "", {}};
  if (runs.empty()) return t;
  std::vector<compare::Row> decode;
  for (compare::Row& r : compare_report_runs(runs).kinds)
    if (r.key.rfind("decode ", 0) == 0) {
      r.label = r.key.substr(7);
      r.better = compare::Better::Neither;  // the caption says it; every row is a time
      decode.push_back(std::move(r));
    }
  add_comparison_rows(t, decode);
  return t;
}

TableData numerics_table(const ReportRun& run) {
  TableData t{"Non-finite residual streams", {"step", "layer", "first bad op", "rms"}, "", {}};
  for (const prof::ActivationRecord& a : run.records.activations)
    if (!a.finite)
      t.rows.push_back({std::to_string(a.step), std::to_string(a.layer), a.first_bad_op.empty() ? kNone : a.first_bad_op,
                        text::fixed(a.rms, 4)});
  return t;
}

}  // namespace archscope::views
