// `archscope compare ID ID...`: stored runs side by side through the one comparison model
// (views/compare): throughput, step and token latency, KV-cache bytes, expert-load imbalance, and
// span time per layer and op kind as per-step means, each with its change against the first run
// named and which way is better. Reads the database only.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/stored_runs.hpp"
#include "common/error.hpp"
#include "compare/comparison.hpp"
#include "compare/comparison_render.hpp"
#include "session/stored_run.hpp"

namespace archscope::cli {

namespace {

struct CompareOptions {
  std::vector<std::string> ids;
  std::string db;
  bool json = false;
};

int run_compare(const CompareOptions& o) {
  if (o.ids.size() < 2) throw Error(ErrorKind::Validation, "compare", "name at least two run ids");
  std::vector<int64_t> ids;
  for (const std::string& s : o.ids) ids.push_back(parse_run_id(s));
  prof::store::RunStore store = open_run_store_read_only(o.db);
  std::vector<views::compare::RunFigures> runs;
  for (int64_t id : ids) {
    // Span totals from the store's aggregates: no span rows are loaded.
    const prof::session::StoredSummary s = prof::session::load_run_summary(store, id);
    runs.push_back(views::compare::run_figures(s.run, s.summary, s.steps, s.expert_counts));
  }
  const views::compare::Comparison c = views::compare::compare_runs(runs);
  if (o.json) {
    std::cout << views::compare::render_comparison_json(c);
  } else {
    std::cout << views::compare::render_comparison_text(c);
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
