#include "compare/comparison.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "common/error.hpp"

namespace archscope::views::compare {

namespace {

using State = Cell::State;

Cell value(double v) {
  return {State::Value, v};
}
Cell missing() {
  return {State::Missing, 0};
}
Cell not_applicable() {
  return {State::NotApplicable, 0};
}

struct ModelFacts {
  int64_t n_layers = -1;
  bool moe = false;
};

ModelFacts facts(const prof::RunInfo& run) {
  ModelFacts f;
  const nlohmann::json j = nlohmann::json::parse(run.config_json, nullptr, false);
  if (!j.is_object()) return f;
  if (const auto it = j.find("n_layers"); it != j.end() && it->is_number_integer())
    f.n_layers = it->get<int64_t>();
  if (const auto m = j.find("moe"); m != j.end() && m->is_object()) {
    const auto e = m->find("experts");
    f.moe = e != m->end() && e->is_number_integer() && e->get<int64_t>() > 0;
  }
  return f;
}

struct FigureDef {
  const char* key;
  const char* label;
  Unit unit;
  Better better;
  std::function<Cell(const RunFigures&, const ModelFacts&)> get;
};

Cell if_steps(int64_t steps, double v) {
  return steps > 0 ? value(v) : missing();
}

Cell expert_figure(const RunFigures& r, const ModelFacts& f, bool ratio) {
  if (!f.moe && r.expert_load.empty()) return not_applicable();
  if (r.expert_load.empty()) return missing();
  double sum = 0, worst = 0;
  for (const prof::CumulativeExpertLoad& l : r.expert_load) {
    sum += l.stats.cv;
    if (l.stats.mean_load > 0)
      worst = std::max(worst, static_cast<double>(l.stats.max_load) / l.stats.mean_load);
  }
  return value(ratio ? worst : sum / static_cast<double>(r.expert_load.size()));
}

const std::vector<FigureDef>& figure_defs() {
  using R = const RunFigures&;
  using F = const ModelFacts&;
  static const std::vector<FigureDef> defs = {
      {"prefill_tokens_per_s", "prefill throughput", Unit::TokensPerSecond, Better::Higher,
       [](R r, F) { return if_steps(r.summary.prefill_steps, r.summary.prefill_tokens_per_s); }},
      {"prefill_ms", "prefill time per pass", Unit::Milliseconds, Better::Lower,
       [](R r, F) { return if_steps(r.summary.prefill_steps, r.summary.prefill_ms); }},
      {"decode_tokens_per_s", "decode throughput", Unit::TokensPerSecond, Better::Higher,
       [](R r, F) { return if_steps(r.summary.decode_steps, r.summary.decode_tokens_per_s); }},
      {"decode_ms_per_step_mean", "decode time per step, mean", Unit::Milliseconds, Better::Lower,
       [](R r, F) { return if_steps(r.summary.decode_steps, r.summary.decode_ms_per_step_mean); }},
      {"decode_ms_per_step_p50", "decode time per step, p50", Unit::Milliseconds, Better::Lower,
       [](R r, F) { return if_steps(r.summary.decode_steps, r.summary.decode_ms_per_step_p50); }},
      {"decode_ms_per_step_p90", "decode time per step, p90", Unit::Milliseconds, Better::Lower,
       [](R r, F) { return if_steps(r.summary.decode_steps, r.summary.decode_ms_per_step_p90); }},
      {"decode_ms_per_token_mean", "decode time per token, mean", Unit::Milliseconds, Better::Lower,
       [](R r, F) { return if_steps(r.summary.decode_steps, r.summary.decode_ms_per_token_mean); }},
      {"decode_ms_per_token_p50", "decode time per token, p50", Unit::Milliseconds, Better::Lower,
       [](R r, F) { return if_steps(r.summary.decode_steps, r.summary.decode_ms_per_token_p50); }},
      {"kv_used_bytes", "KV cache used at the end", Unit::Bytes, Better::Lower,
       [](R r, F) {
         return r.last_step ? value(static_cast<double>(r.last_step->kv_used_bytes)) : missing();
       }},
      {"kv_allocated_bytes", "KV cache allocated", Unit::Bytes, Better::Lower,
       [](R r, F) {
         return r.last_step ? value(static_cast<double>(r.last_step->kv_allocated_bytes))
                            : missing();
       }},
      {"expert_cv_mean", "expert load CV, mean over layers", Unit::Ratio, Better::Lower,
       [](R r, F f) { return expert_figure(r, f, false); }},
      {"expert_max_over_mean", "expert load max / mean, worst layer", Unit::Ratio, Better::Lower,
       [](R r, F f) { return expert_figure(r, f, true); }},
  };
  return defs;
}

void fill_deltas(Row& row) {
  row.delta.clear();
  for (const Cell& c : row.cells) row.delta.push_back(delta_of(row.cells.front(), c));
}

std::string layer_name(int32_t layer, int64_t n_layers) {
  if (layer < 0) return "embed";
  if (n_layers >= 0 && layer >= n_layers) return "head";
  std::string n = std::to_string(layer);
  return "L" + std::string(n.size() < 3 ? 3 - n.size() : 0, '0') + n;
}

// Execution order within a phase: embed, L000.., head.
int order_of(const std::string& name) {
  if (name == "embed") return -1;
  if (name == "head") return 1 << 30;
  return std::stoi(name.substr(1));
}

}  // namespace

const char* to_string(Better b) {
  switch (b) {
    case Better::Higher:
      return "higher";
    case Better::Lower:
      return "lower";
    case Better::Neither:
      return "neither";
  }
  return "neither";
}

const char* to_string(Unit u) {
  switch (u) {
    case Unit::TokensPerSecond:
      return "tokens/s";
    case Unit::Milliseconds:
      return "ms";
    case Unit::Bytes:
      return "bytes";
    case Unit::Ratio:
      return "ratio";
  }
  return "";
}

std::optional<Delta> delta_of(const Cell& base, const Cell& v) {
  if (!base.has_value() || !v.has_value()) return std::nullopt;
  Delta d{v.value - base.value, std::nullopt};
  if (base.value != 0) d.pct = 100.0 * (v.value - base.value) / base.value;
  return d;
}

RunFigures run_figures(const prof::RunInfo& run, const prof::RunSummary& summary,
                       const std::vector<prof::StepRecord>& steps,
                       const std::vector<prof::ExpertCountRecord>& expert_counts) {
  RunFigures r;
  r.run = run;
  r.summary = summary;
  if (!steps.empty()) r.last_step = steps.back();
  r.expert_load = prof::expert_load_cumulative(expert_counts);
  return r;
}

Comparison compare_runs(const std::vector<RunFigures>& runs) {
  if (runs.empty()) throw Error(ErrorKind::Validation, "compare", "no runs to compare");
  Comparison c;
  std::vector<ModelFacts> model;
  for (const RunFigures& r : runs) {
    model.push_back(facts(r.run));
    const prof::RunInfo& i = r.run;
    // A --weights-quant run says its scheme with the dtype the dequantized weights were held in.
    const std::string weights = i.weights_quant.empty() ? i.weights_dtype : i.weights_quant + " (" + i.weights_dtype + ")";
    c.runs.push_back({i.id, i.name, i.model, prof::to_string(i.status), weights, i.device, i.batch,
                      i.prompt_tokens, i.new_tokens, r.summary.passes, i.warmup, i.checks,
                      i.backend, i.kv_dtype});
  }
  for (const FigureDef& f : figure_defs()) {
    Row row{f.key, f.label, f.unit, f.better, {}, {}};
    for (size_t i = 0; i < runs.size(); ++i) row.cells.push_back(f.get(runs[i], model[i]));
    fill_deltas(row);
    c.figures.push_back(std::move(row));
  }
  // Span time per step: one row per (phase, layer) and (phase, kind) any run has.
  struct Key {
    int phase;
    int order;
    std::string name;
    bool operator<(const Key& o) const {
      return std::tie(phase, order, name) < std::tie(o.phase, o.order, o.name);
    }
  };
  std::map<Key, std::vector<Cell>> layers, kinds;
  for (size_t i = 0; i < runs.size(); ++i) {
    const prof::RunSummary& s = runs[i].summary;
    for (const prof::Phase phase : {prof::Phase::Prefill, prof::Phase::Decode}) {
      const prof::PhaseTimes& t = phase == prof::Phase::Prefill ? s.prefill : s.decode;
      const int p = phase == prof::Phase::Prefill ? 0 : 1;
      for (const auto& [layer, ns] : t.layer_ns) {
        const std::string name = layer_name(layer, model[i].n_layers);
        auto& cells = layers[{p, order_of(name), name}];
        cells.resize(runs.size(), missing());
        cells[i] = value(prof::per_step_ns(s, phase, ns) / 1e6);
      }
      for (const auto& [kind, ns] : t.kind_ns) {
        auto& cells = kinds[{p, 0, kind}];
        cells.resize(runs.size(), missing());
        cells[i] = value(prof::per_step_ns(s, phase, ns) / 1e6);
      }
    }
  }
  const auto emit = [](std::map<Key, std::vector<Cell>>& from, std::vector<Row>& to) {
    for (auto& [k, cells] : from) {
      const std::string phase = k.phase == 0 ? "prefill" : "decode";
      Row row{phase + " " + k.name, phase + " " + k.name, Unit::Milliseconds,
              Better::Lower,        std::move(cells),     {}};
      fill_deltas(row);
      to.push_back(std::move(row));
    }
  };
  emit(layers, c.layers);
  emit(kinds, c.kinds);
  return c;
}

}  // namespace archscope::views::compare
