#include "compare/comparison_render.hpp"

#include <sstream>

#include "report/text_format.hpp"

namespace archscope::views::compare {

namespace {

const char* state_name(Cell::State s) {
  switch (s) {
    case Cell::State::Value:
      return "value";
    case Cell::State::NotApplicable:
      return "n/a";
    case Cell::State::Missing:
      return "missing";
  }
  return "missing";
}

nlohmann::json row_json(const Row& r) {
  nlohmann::json values = nlohmann::json::array(), states = nlohmann::json::array(),
                 deltas = nlohmann::json::array();
  for (size_t i = 0; i < r.cells.size(); ++i) {
    const Cell& c = r.cells[i];
    values.push_back(c.has_value() ? nlohmann::json(c.value) : nlohmann::json(nullptr));
    states.push_back(state_name(c.state));
    const auto& d = r.delta[i];
    deltas.push_back(
        d ? nlohmann::json{{"abs", d->abs}, {"pct", d->pct ? nlohmann::json(*d->pct) : nullptr}}
          : nlohmann::json(nullptr));
  }
  return {{"key", r.key},
          {"label", r.label},
          {"unit", to_string(r.unit)},
          {"better", to_string(r.better)},
          {"values", values},
          {"state", states},
          {"delta", deltas}};
}

void add_rows(text::Table& t, const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    std::vector<std::string> line{r.label, to_string(r.better)};
    for (size_t i = 0; i < r.cells.size(); ++i) {
      std::string cell = format_cell(r.unit, r.cells[i]);
      if (i > 0) {
        const std::string d = format_delta(r.unit, r.delta[i]);
        if (!d.empty()) {
          cell += " (" + d + ")";
        } else if (r.cells[i].has_value() && !r.cells.front().has_value()) {
          cell += " (no baseline)";
        }
      }
      line.push_back(cell);
    }
    t.add(std::move(line));
  }
}

}  // namespace

std::string format_value(Unit unit, double v) {
  switch (unit) {
    case Unit::TokensPerSecond:
      return text::fixed(v, 1) + " tokens/s";
    case Unit::Milliseconds:
      return text::fixed(v, 3) + " ms";
    case Unit::Bytes:
      return text::bytes_exact(static_cast<uint64_t>(v));
    case Unit::Ratio:
      return text::fixed(v, 3);
  }
  return text::fixed(v, 3);
}

std::string format_delta(Unit unit, const std::optional<Delta>& d) {
  if (!d) return "";
  if (d->pct) return (*d->pct >= 0 ? "+" : "") + text::fixed(*d->pct, 1) + "%";
  if (d->abs == 0) return "+0";
  const std::string sign = d->abs > 0 ? "+" : "-";
  const double mag = d->abs > 0 ? d->abs : -d->abs;
  return sign + (unit == Unit::Bytes ? text::binary_bytes(mag) : format_value(unit, mag));
}

std::string format_cell(Unit unit, const Cell& c) {
  switch (c.state) {
    case Cell::State::Value:
      return format_value(unit, c.value);
    case Cell::State::NotApplicable:
      return "n/a";
    case Cell::State::Missing:
      return "-";
  }
  return "-";
}

std::string render_comparison_text(const Comparison& c) {
  std::ostringstream out;
  std::vector<std::string> head{"", ""};
  for (const RunColumn& r : c.runs)
    head.push_back("run " + std::to_string(r.id) + (&r == &c.runs.front() ? " (baseline)" : ""));
  text::Table runs(head, std::string(head.size(), 'l'));
  const auto meta = [&](const std::string& label, auto get) {
    std::vector<std::string> line{label, ""};
    for (const RunColumn& r : c.runs) line.push_back(get(r));
    runs.add(std::move(line));
  };
  meta("name", [](const RunColumn& r) { return r.name; });
  meta("model", [](const RunColumn& r) { return r.model; });
  meta("status", [](const RunColumn& r) { return r.status; });
  meta("batch", [](const RunColumn& r) { return std::to_string(r.batch); });
  meta("prompt tokens", [](const RunColumn& r) { return std::to_string(r.prompt); });
  meta("new tokens", [](const RunColumn& r) { return std::to_string(r.new_tokens); });
  meta("passes (warm-up)", [](const RunColumn& r) {
    return std::to_string(r.passes) + " (" + std::to_string(r.warmup) + ")";
  });
  meta("weights", [](const RunColumn& r) { return r.weights_dtype; });
  meta("KV cache", [](const RunColumn& r) { return r.kv_dtype; });
  meta("backend", [](const RunColumn& r) { return r.backend; });
  meta("device", [](const RunColumn& r) { return r.device; });
  runs.render(out);
  out << "\n";

  std::vector<std::string> fhead{"figure", "better"};
  for (const RunColumn& r : c.runs) fhead.push_back("run " + std::to_string(r.id));
  text::Table figures(fhead, "ll" + std::string(c.runs.size(), 'r'));
  add_rows(figures, c.figures);
  figures.render(out);
  if (!c.layers.empty() || !c.kinds.empty()) {
    out << "\nSpan time per step (prefill: per pass, decode: per decode step)\n";
    text::Table spans(fhead, "ll" + std::string(c.runs.size(), 'r'));
    add_rows(spans, c.kinds);
    add_rows(spans, c.layers);
    spans.render(out);
  }
  return out.str();
}

nlohmann::json comparison_json(const Comparison& c) {
  nlohmann::json j;
  j["baseline"] = c.runs.front().id;
  j["runs"] = nlohmann::json::array();
  for (const RunColumn& r : c.runs)
    j["runs"].push_back({{"id", r.id},
                         {"name", r.name},
                         {"model", r.model},
                         {"status", r.status},
                         {"weights_dtype", r.weights_dtype},
                         {"kv_dtype", r.kv_dtype},
                         {"backend", r.backend},
                         {"device", r.device},
                         {"batch", r.batch},
                         {"prompt_tokens", r.prompt},
                         {"new_tokens", r.new_tokens},
                         {"passes", r.passes},
                         {"warmup", r.warmup},
                         {"checks", r.checks}});
  for (const auto& [name, rows] :
       {std::pair{"figures", &c.figures}, {"layers", &c.layers}, {"kinds", &c.kinds}}) {
    j[name] = nlohmann::json::array();
    for (const Row& r : *rows) j[name].push_back(row_json(r));
  }
  return j;
}

std::string render_comparison_json(const Comparison& c) {
  return comparison_json(c).dump(2) + "\n";
}

}  // namespace archscope::views::compare
