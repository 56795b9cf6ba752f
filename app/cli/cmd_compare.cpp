// `archscope compare ID ID...`: stored runs side by side — throughput, decode latency, time per
// layer and per op kind, KV-cache bytes and expert-load imbalance — each with its change against
// the first run named.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/stored_runs.hpp"
#include "common/error.hpp"
#include "metrics/expert_load.hpp"
#include "metrics/run_summary.hpp"

namespace archscope::cli {

namespace {

struct CompareOptions {
  std::vector<std::string> ids;
  std::string db;
  bool json = false;
};

struct Compared {
  prof::RunInfo run;
  std::map<std::string, double> figures;                        // name -> value
  std::map<std::string, std::map<std::string, int64_t>> times;  // "decode layer 3" style rows
};

// Figures where lower is better are marked so the text view can say which way a change goes.
const char* const kFigures[] = {"prefill_tokens_per_s", "decode_tokens_per_s", "decode_ms_per_token_mean",
                                "decode_ms_per_token_p50", "kv_used_bytes", "kv_allocated_bytes",
                                "expert_cv_mean", "expert_max_over_mean"};

Compared compare_one(prof::store::RunStore& store, int64_t id) {
  Compared c;
  c.run = store.get_run(id);
  prof::store::RunStore::ReadSnapshot snapshot(store);
  const prof::store::RunThroughput t = store.throughput(id);
  const std::vector<prof::StepRecord> steps = store.load_steps(id);
  const prof::RunSummary s = prof::summarize(steps, {}, {});
  c.figures["prefill_tokens_per_s"] = t.prefill.tokens_per_s;
  c.figures["decode_tokens_per_s"] = t.decode.tokens_per_s;
  c.figures["decode_ms_per_token_mean"] = s.decode_ms_per_token_mean;
  c.figures["decode_ms_per_token_p50"] = s.decode_ms_per_token_p50;
  c.figures["kv_used_bytes"] = steps.empty() ? 0.0 : static_cast<double>(steps.back().kv_used_bytes);
  c.figures["kv_allocated_bytes"] = steps.empty() ? 0.0 : static_cast<double>(steps.back().kv_allocated_bytes);
  double cv = 0, ratio = 0;
  const auto load = prof::expert_load_cumulative(store.load_expert_counts(id));
  for (const auto& l : load) {
    cv += l.stats.cv;
    ratio = std::max(ratio, l.stats.mean_load > 0 ? static_cast<double>(l.stats.max_load) / l.stats.mean_load : 0.0);
  }
  c.figures["expert_cv_mean"] = load.empty() ? 0.0 : cv / static_cast<double>(load.size());
  c.figures["expert_max_over_mean"] = ratio;
  // Row keys sort as the model runs: layers zero-padded ("decode L007" before "decode L010"), then
  // the prologue ("embed", layer -1) and the epilogue ("head", layer n_layers).
  const nlohmann::json config = nlohmann::json::parse(c.run.config_json, nullptr, false);
  const int64_t n_layers = config.is_object() ? config.value("n_layers", int64_t{-1}) : int64_t{-1};
  for (const prof::store::LayerTime& l : store.layer_times(id)) {
    char name[32];
    if (l.layer < 0) {
      std::snprintf(name, sizeof name, "embed");
    } else if (n_layers >= 0 && l.layer >= n_layers) {
      std::snprintf(name, sizeof name, "head");
    } else {
      std::snprintf(name, sizeof name, "L%03d", static_cast<int>(l.layer));
    }
    c.times["layer_ns"][std::string(prof::to_string(l.phase)) + " " + name] = l.total_ns;
  }
  for (const prof::store::KindTime& k : store.kind_times(id))
    c.times["kind_ns"][std::string(prof::to_string(k.phase)) + " " + k.kind] = k.total_ns;
  return c;
}

double delta_pct(double base, double v) { return base != 0 ? 100.0 * (v - base) / base : 0.0; }

nlohmann::json to_json(const std::vector<Compared>& runs) {
  nlohmann::json out;
  out["baseline"] = runs.front().run.id;
  out["runs"] = nlohmann::json::array();
  const Compared& base = runs.front();
  for (const Compared& c : runs) {
    nlohmann::json j{{"id", c.run.id}, {"name", c.run.name}, {"status", prof::to_string(c.run.status)},
                     {"model", c.run.model}};
    for (const auto& [name, v] : c.figures) {
      j[name] = v;
      j["delta"][name] = {{"abs", v - base.figures.at(name)}, {"pct", delta_pct(base.figures.at(name), v)}};
    }
    for (const auto& [table, rows] : c.times) {
      for (const auto& [row, ns] : rows) {
        j[table][row] = ns;
        const auto bt = base.times.find(table);
        const int64_t b = bt == base.times.end() || !bt->second.count(row) ? 0 : bt->second.at(row);
        j["delta"][table][row] = ns - b;
      }
    }
    out["runs"].push_back(j);
  }
  return out;
}

void print_row(const std::string& label, const std::vector<double>& values, const char* fmt) {
  std::printf("%-28s", label.c_str());
  for (size_t i = 0; i < values.size(); ++i) {
    char cell[64];
    std::snprintf(cell, sizeof cell, fmt, values[i]);
    if (std::isnan(values[i])) {  // the run has no such row (e.g. recorded without spans)
      std::printf("  %14s%s", "-", i == 0 ? "" : "           ");
    } else if (i == 0) {
      std::printf("  %14s", cell);
    } else {
      char d[32];
      if (std::isnan(values[0])) {
        std::snprintf(d, sizeof d, "(new)");
      } else {
        std::snprintf(d, sizeof d, "(%+.1f%%)", delta_pct(values[0], values[i]));
      }
      std::printf("  %14s %-10s", cell, d);
    }
  }
  std::printf("\n");
}

void print_text(const std::vector<Compared>& runs) {
  std::printf("%-28s", "");
  for (const Compared& c : runs) std::printf("  %14s%s", ("run " + std::to_string(c.run.id)).c_str(), &c == &runs.front() ? "" : "           ");
  std::printf("\n%-28s", "model");
  for (const Compared& c : runs) std::printf("  %14s%s", c.run.model.c_str(), &c == &runs.front() ? "" : "           ");
  std::printf("\n");
  for (const char* f : kFigures) {
    std::vector<double> v;
    for (const Compared& c : runs) v.push_back(c.figures.at(f));
    print_row(f, v, "%.3f");
  }
  for (const char* table : {"layer_ns", "kind_ns"}) {
    std::set<std::string> rows;
    for (const Compared& c : runs)
      if (c.times.count(table))
        for (const auto& [row, ns] : c.times.at(table)) rows.insert(row);
    for (const std::string& row : rows) {
      std::vector<double> v;
      for (const Compared& c : runs) {
        const auto t = c.times.find(table);
        v.push_back(t == c.times.end() || !t->second.count(row) ? std::nan("")
                                                                 : static_cast<double>(t->second.at(row)) / 1e6);
      }
      print_row(std::string(table == std::string("layer_ns") ? "layer " : "kind ") + row + " ms", v, "%.3f");
    }
  }
}

int run_compare(const CompareOptions& o) {
  if (o.ids.size() < 2) throw Error(ErrorKind::Validation, "compare", "name at least two run ids");
  std::vector<int64_t> ids;
  for (const std::string& s : o.ids) ids.push_back(parse_run_id(s));
  prof::store::RunStore store = open_run_store(o.db);
  std::vector<Compared> runs;
  for (int64_t id : ids) runs.push_back(compare_one(store, id));
  if (o.json) {
    std::cout << to_json(runs).dump(2) << "\n";
  } else {
    print_text(runs);
  }
  return 0;
}

}  // namespace

Command add_compare_command(CLI::App& root) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* sub = root.add_subcommand("compare", "Stored runs side by side, with changes against the first");
  sub->add_option("ids", o->ids, "Run ids (the first is the baseline)")->required();
  add_db_option(*sub, o->db);
  sub->add_flag("--json", o->json, "Print JSON");
  return {sub, [o] { return run_compare(*o); }};
}

}  // namespace archscope::cli
