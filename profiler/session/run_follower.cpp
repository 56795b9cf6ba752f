#include "session/run_follower.hpp"

#include <map>

#include "session/stored_run.hpp"

namespace archscope::prof::session {

RunFollower::RunFollower(const std::filesystem::path& db, int64_t run_id) : db_(db), id_(run_id) {
  store::RunStore::open_read_only(db_).get_run(id_);  // NotFound now, naming the id
}

std::vector<Event> RunFollower::poll() {
  std::vector<Event> out;
  if (done_) return out;
  store::RunStore store_ = store::RunStore::open_read_only(db_);
  store::RunStore::ReadSnapshot snapshot(store_);
  const RunInfo run = store_.get_run(id_);
  if (!started_) {
    RunEnvironment env;
    env.cpu_model = run.device;
    env.threads = run.threads;
    env.version = run.version;
    env.git_revision = run.git_revision;
    out.push_back(RunStarted{run, env});
    started_ = true;
  }
  const std::vector<StepRecord> steps = store_.load_steps(id_, {next_step_, INT64_MAX});
  if (!steps.empty()) {
    const store::StepRange range{next_step_, steps.back().step};
    store::SpanFilter filter;
    filter.steps = range;
    std::map<int64_t, SpanBatch> spans;
    for (SpanRecord& s : store_.load_spans(id_, filter))
      spans[s.step].spans.push_back(std::move(s));
    std::map<int64_t, ExpertCounts> experts;
    for (ExpertCountRecord& x : store_.load_expert_counts(id_, range))
      experts[x.step].counts.push_back(std::move(x));
    std::map<int64_t, Activations> acts;
    for (ActivationRecord& a : store_.load_activations(id_, range))
      acts[a.step].activations.push_back(std::move(a));
    for (const StepRecord& st : steps) {
      if (auto it = spans.find(st.step); it != spans.end()) out.push_back(std::move(it->second));
      if (auto it = experts.find(st.step); it != experts.end())
        out.push_back(std::move(it->second));
      if (auto it = acts.find(st.step); it != acts.end()) out.push_back(std::move(it->second));
      out.push_back(StepFinished{st});
    }
    next_step_ = range.last + 1;
  }
  if (run.status == RunStatus::Complete) {
    out.push_back(RunFinished{run, load_run_summary(store_, id_).summary, 0});
    done_ = true;
  } else if (run.status != RunStatus::Running) {
    out.push_back(RunFailed{run, run.failure, load_run_summary(store_, id_).summary.first_nan, 0});
    done_ = true;
  }
  return out;
}

}  // namespace archscope::prof::session
