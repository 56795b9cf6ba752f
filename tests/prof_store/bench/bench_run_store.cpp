// Write/read throughput of the run store: writes N spans (default 1,000,000) of a synthetic
// 32-layer model through a RunWriter into a fresh database, then reads them back. Not a CTest test
// (timings depend on the machine); run it by hand:
//   build-store/bin/bench_prof_store [spans] [db-path]
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "session/stored_run.hpp"
#include "store/run_store.hpp"
#include "store/schema.hpp"

using namespace archscope::prof;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t n_spans = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
  const std::filesystem::path path =
      argc > 2 ? std::filesystem::path(argv[2])
               : std::filesystem::temp_directory_path() / "archscope_bench_runs.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);

  // A decoder layer's ops as the plan names them; 32 layers plus prologue and epilogue.
  const char* ops[][2] = {{"attn_norm", "norm"},
                          {"q_proj", "matmul"},
                          {"k_proj", "matmul"},
                          {"v_proj", "matmul"},
                          {"rope", "rope"},
                          {"attn_scores", "attention"},
                          {"attn_softmax", "softmax"},
                          {"attn_values", "attention"},
                          {"o_proj", "matmul"},
                          {"ffn_norm", "norm"},
                          {"gate_proj", "matmul"},
                          {"up_proj", "matmul"},
                          {"act", "elementwise"},
                          {"down_proj", "matmul"}};
  const int n_layers = 32;

  store::RunStore db = store::RunStore::open(path);
  RunInfo info;
  info.name = "bench";
  info.model = "synthetic-32L";
  info.config_json = "{}";
  info.backend = "cpu";
  const int64_t run = db.create_run(info);

  const auto t0 = Clock::now();
  {
    store::RunWriter w = db.writer(run);
    int64_t written = 0, step = 0, t_ns = 0;
    while (written < n_spans) {
      const Phase phase = step == 0 ? Phase::Prefill : Phase::Decode;
      for (int layer = -1; layer <= n_layers && written < n_spans; ++layer) {
        for (const auto& op : ops) {
          if (written == n_spans) break;
          SpanRecord s{step,      phase,   layer, op[0], op[1], t_ns, 1000 + written % 977,
                       123456789, 98765432};
          t_ns += s.duration_ns;
          w.add(s);
          ++written;
        }
      }
      StepRecord sr;
      sr.step = step;
      sr.phase = phase;
      sr.tokens = step == 0 ? 512 : 1;
      sr.kv_used_by_kind["full"] = uint64_t(step) * 4096;
      w.add(sr);
      ++step;
    }
    w.finish(RunStatus::Complete);
  }
  const double write_s = seconds_since(t0);

  const auto t1 = Clock::now();
  const size_t loaded = db.load_spans(run).size();
  const double read_s = seconds_since(t1);
  // The old way, still what files without stored totals get: summing the span rows.
  const auto t2 = Clock::now();
  const size_t layers = db.layer_times(run, store::RunStore::AggregateFrom::Spans).size();
  const size_t kinds = db.kind_times(run, store::RunStore::AggregateFrom::Spans).size();
  const double agg_s = seconds_since(t2);

  // Opening the stored run as the runs browser and `compare` do: a fresh read-only connection,
  // the run row, its per-layer and per-kind totals and its throughput.
  const auto t3 = Clock::now();
  size_t open_rows = 0;
  {
    store::RunStore ro = store::RunStore::open_read_only(path);
    open_rows += ro.get_run(run).id == run ? 1 : 0;
    open_rows += ro.layer_times(run).size() + ro.kind_times(run).size();
    open_rows += ro.throughput(run).decode.steps > 0 ? 1 : 0;
  }
  const double open_s = seconds_since(t3);
  // And the whole summary the runs browser and `archscope compare` show (steps, totals,
  // activations, expert counts; no span rows).
  const auto t4 = Clock::now();
  int64_t summary_steps = 0;
  {
    store::RunStore ro = store::RunStore::open_read_only(path);
    summary_steps = session::load_run_summary(ro, run).summary.decode_steps;
  }
  const double summary_s = seconds_since(t4);

  std::printf("write %lld spans: %.3f s (%.0f spans/s)\n", static_cast<long long>(n_spans), write_s,
              double(n_spans) / write_s);
  std::printf(
      "load_spans (%zu): %.3f s; layer_times + kind_times summed over the spans (%zu + %zu rows): "
      "%.3f s\n",
      loaded, read_s, layers, kinds, agg_s);
  std::printf(
      "open the run with its stored totals (open_read_only, get_run, layer_times, kind_times,"
      " throughput; %zu rows): %.3f s\n",
      open_rows, open_s);
  std::printf("open and load_run_summary (%lld decode steps): %.3f s\n",
              static_cast<long long>(summary_steps), summary_s);
  std::printf("database %s: %.1f MiB\n", path.c_str(),
              double(std::filesystem::file_size(path)) / (1024.0 * 1024.0));

  // The one-time migration of a file written before the stored totals: the file is turned back
  // into that version (only possible while the totals are the newest migration) and reopened.
  db = store::RunStore::open_read_only(path);  // closes the writable connection
  if (store::latest_schema_version() == store::kRunTotalsVersion) {
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    const std::string downgrade =
        "DROP TABLE run_layer_totals; DROP TABLE run_kind_totals; PRAGMA user_version = " +
        std::to_string(store::kRunTotalsVersion - 1);
    const bool ok = sqlite3_exec(raw, downgrade.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(raw);
    if (ok) {
      const auto t5 = Clock::now();
      store::RunStore migrated = store::RunStore::open(path);
      const double migrate_s = seconds_since(t5);
      std::printf(
          "migrating the file from schema v%d (totals of 1 run summed from its spans): %.3f s\n",
          store::kRunTotalsVersion - 1, migrate_s);
    }
  }
  return loaded == size_t(n_spans) && open_rows == layers + kinds + 2 ? 0 : 1;
}
