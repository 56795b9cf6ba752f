// `archscope runs list|show ID|follow ID|delete ID`: the stored runs of the run database. list,
// show and follow only read it (nothing is created, migrated or swept; a missing --db file is an
// error); delete writes.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "cli/commands.hpp"
#include "cli/stored_runs.hpp"
#include "cli/terminal_view.hpp"
#include "common/error.hpp"
#include "config/layer_range.hpp"
#include "export/record_json.hpp"
#include "metrics/expert_load.hpp"
#include "metrics/run_summary.hpp"
#include "report/text_format.hpp"
#include "run_report/run_slice.hpp"
#include "session/run_follower.hpp"
#include "session/stored_run.hpp"

namespace archscope::cli {

namespace {

struct RunsOptions {
  std::string db;
  std::string id;
  double interval_s = 0.2;
  bool json = false;
};

// One run without its config (list and show headers).
nlohmann::json run_row(const prof::RunInfo& r) {
  nlohmann::json j = prof::to_json(r);
  j.erase("config_json");
  return j;
}

int list_runs(const RunsOptions& o) {
  const std::filesystem::path path = read_db_path(o.db);
  std::error_code ec;
  if (o.db.empty() && !std::filesystem::exists(path, ec)) {
    // No run was ever stored at the default place: nothing to list, and nothing is created.
    if (o.json) {
      std::cout << "[]\n";
    } else {
      std::cout << "no runs yet (" << path.string()
                << " does not exist; archscope run creates it)\n";
    }
    return 0;
  }
  prof::store::RunStore store = prof::store::RunStore::open_read_only(path);
  std::vector<prof::RunInfo> runs = store.list_runs();
  std::reverse(runs.begin(), runs.end());  // the store lists newest first; people read oldest first
  if (o.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const prof::RunInfo& r : runs) j.push_back(run_row(r));
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  if (runs.empty()) {
    std::cout << "no runs in " << store.path().string() << "\n";
    return 0;
  }
  std::printf("%5s  %-11s  %-20s  %-18s  %s\n", "id", "status", "started", "model", "name");
  for (const prof::RunInfo& r : runs)
    std::printf("%5lld  %-11s  %-20s  %-18s  %s\n", static_cast<long long>(r.id), prof::to_string(r.status),
                r.started_at.c_str(), r.model.c_str(), r.name.c_str());
  return 0;
}

int show_run(const RunsOptions& o) {
  const int64_t id = parse_run_id(o.id);
  prof::store::RunStore store = open_run_store_read_only(o.db);
  const prof::RunData d = prof::session::load_run_data(store, id);
  const prof::RunSummary s = prof::summarize(d.steps, d.spans, d.activations);
  const std::vector<prof::CumulativeExpertLoad> load = prof::expert_load_cumulative(d.expert_counts);
  const std::optional<prof::SliceEstimate> slice =
      views::run_slice_estimate(d.run, d.steps, d.spans);
  if (o.json) {
    nlohmann::json j = run_row(d.run);
    j["summary"] = prof::to_json(s);
    if (slice) j["slice"] = views::slice_json(*slice);
    j["expert_load"] = nlohmann::json::array();
    for (const auto& l : load) j["expert_load"].push_back(prof::to_json(l));
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  const prof::RunInfo& r = d.run;
  std::printf("run %lld: %s [%s]\n", static_cast<long long>(r.id), r.name.c_str(), prof::to_string(r.status));
  if (!r.failure.empty()) std::printf("  reason:   %s\n", r.failure.c_str());
  std::printf("  model:    %s, %s weights, %s KV\n", r.model.c_str(), r.weights_dtype.c_str(), r.kv_dtype.c_str());
  if (!r.weights_quant.empty())
    std::printf("  quant:    %s (quantized weights held dequantized in %s)\n", r.weights_quant.c_str(),
                r.weights_dtype.c_str());
  std::printf("  weights:  %s\n", prof::describe(r.weights_source).c_str());
  std::printf("  shape:    batch %lld, prompt %lld, new %lld\n", static_cast<long long>(r.batch),
              static_cast<long long>(r.prompt_tokens), static_cast<long long>(r.new_tokens));
  if (r.sliced())
    std::printf("  layers:   %s only (a slice: the figures below are the slice's)\n",
                to_string(LayerRange{r.layer_first, r.layer_last}).c_str());
  std::printf("  passes:   %lld measured of %lld asked, %lld warm-up; numeric checks %s\n",
              static_cast<long long>(s.passes), static_cast<long long>(r.repeat),
              static_cast<long long>(r.warmup), r.checks ? "on" : "off");
  std::printf("  device:   %s (%s), archscope %s (%s)\n", r.device.c_str(), r.backend.c_str(), r.version.c_str(),
              r.git_revision.c_str());
  std::printf("  time:     %s .. %s\n", r.started_at.c_str(), r.finished_at.empty() ? "-" : r.finished_at.c_str());
  std::printf("  prefill:  %lld tokens, %.1f tok/s, %.3f ms per pass\n",
              static_cast<long long>(s.prefill_tokens), s.prefill_tokens_per_s, s.prefill_ms);
  std::printf(
      "  decode:   %lld steps, %.1f tok/s; %.3f ms/step mean (p50 %.3f, p90 %.3f), %.3f ms/token "
      "at batch %lld\n",
      static_cast<long long>(s.decode_steps), s.decode_tokens_per_s, s.decode_ms_per_step_mean,
      s.decode_ms_per_step_p50, s.decode_ms_per_step_p90, s.decode_ms_per_token_mean,
      static_cast<long long>(s.tokens_per_decode_step));
  if (s.passes > 1)
    std::printf("            (tokens/s and means: medians of the %lld passes)\n",
                static_cast<long long>(s.passes));
  if (!d.steps.empty())
    std::printf("  KV cache: %s used of %s allocated at the end\n",
                text::bytes_exact(d.steps.back().kv_used_bytes).c_str(),
                text::bytes_exact(d.steps.back().kv_allocated_bytes).c_str());
  for (const auto& l : load)
    std::printf("  experts:  layer %d cv %.3f, max/mean %.2f\n", l.layer, l.stats.cv,
                l.stats.mean_load > 0 ? static_cast<double>(l.stats.max_load) / l.stats.mean_load : 0.0);
  if (s.first_nan)
    std::printf("  NaN/Inf:  step %lld, layer %d%s%s\n", static_cast<long long>(s.first_nan->step), s.first_nan->layer,
                s.first_nan->op.empty() ? "" : ", op ", s.first_nan->op.c_str());
  if (slice)
    for (const std::string& line : views::slice_text(*slice)) std::printf("  %s\n", line.c_str());
  return 0;
}

// Renders a run another process is writing, from the database, until it ends.
int follow_run(const RunsOptions& o) {
  const int64_t id = parse_run_id(o.id);
  if (!(o.interval_s > 0)) throw Error(ErrorKind::Validation, "--interval", "must be positive");
  prof::session::RunFollower follower(read_db_path(o.db), id);
  TerminalView view(std::cout, !o.json && ::isatty(STDOUT_FILENO) == 1);
  const auto interval = std::chrono::duration<double>(o.interval_s);
  while (true) {
    for (const prof::Event& e : follower.poll()) view.on_event(e);
    if (follower.done()) break;
    std::this_thread::sleep_for(interval);
  }
  switch (view.state().run.status) {
    case prof::RunStatus::Complete:
      return 0;
    case prof::RunStatus::Interrupted:
      return 130;
    default:
      return 1;
  }
}

int delete_run(const RunsOptions& o) {
  const int64_t id = parse_run_id(o.id);
  prof::store::RunStore store = open_run_store(o.db);
  store.delete_run(id);
  if (o.json) {
    std::cout << nlohmann::json{{"deleted", id}}.dump() << "\n";
  } else {
    std::cout << "deleted run " << id << "\n";
  }
  return 0;
}

}  // namespace

Command add_runs_command(CLI::App& root) {
  auto o = std::make_shared<RunsOptions>();
  CLI::App* sub = root.add_subcommand("runs", "List, show, follow or delete stored runs");
  sub->require_subcommand(1);
  CLI::App* list =
      sub->add_subcommand("list", "Stored runs, oldest first (reads the database only)");
  CLI::App* show =
      sub->add_subcommand("show", "One run: its record and summary (reads the database only)");
  CLI::App* follow = sub->add_subcommand(
      "follow", "Watch a run another process is writing, live from the database, until it ends");
  CLI::App* del = sub->add_subcommand("delete", "Delete a run and all its records");
  for (CLI::App* a : {show, follow, del}) a->add_option("id", o->id, "Run id")->required();
  follow->add_option("--interval", o->interval_s, "Seconds between reads of the database")
      ->capture_default_str();
  for (CLI::App* a : {list, show, follow, del}) add_db_option(*a, o->db);
  for (CLI::App* a : {list, show, del}) a->add_flag("--json", o->json, "Print JSON");
  return {sub, [o, list, show, follow] {
            if (list->parsed()) return list_runs(*o);
            if (show->parsed()) return show_run(*o);
            if (follow->parsed()) return follow_run(*o);
            return delete_run(*o);
          }};
}

}  // namespace archscope::cli
