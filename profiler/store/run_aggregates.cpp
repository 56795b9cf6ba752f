// The compare view's per-run aggregates, computed in SQL so only the summary leaves SQLite.
#include "store/run_aggregates.hpp"

#include "store/schema.hpp"
#include "store/store_impl.hpp"

namespace archscope::prof::store {

namespace {
Phase phase_of(const std::string& s) {
  return s == "decode" ? Phase::Decode : Phase::Prefill;
}
// Prefill before decode (alphabetical order would put decode first).
constexpr const char* kPhaseOrder = "CASE phase WHEN 'prefill' THEN 0 ELSE 1 END";
}  // namespace

bool RunStore::has_stored_totals() const {
  return impl_->schema_version >= kRunTotalsVersion;
}

std::vector<LayerTime> RunStore::layer_times(int64_t run_id, AggregateFrom from) {
  ReadScope read(impl_->db);
  require_run(run_id);
  // The stored totals (a few rows per run) unless asked for the sum over the span rows, which
  // files older than the totals also get.
  const bool stored = from == AggregateFrom::StoredTotals && has_stored_totals();
  sql::Statement st(
      impl_->db,
      std::string(stored
                      ? "SELECT layer, phase, total_ns, spans FROM run_layer_totals"
                        " WHERE run_id = ? AND layer != ? ORDER BY layer, "
                      : "SELECT layer, phase, SUM(total_ns), SUM(n_spans) FROM span_blocks"
                        " WHERE run_id = ? AND layer != ? GROUP BY layer, phase ORDER BY layer, ") +
          kPhaseOrder);
  st.bind(1, run_id);
  st.bind(2, static_cast<int64_t>(kStepLayer));  // the step's `other` span belongs to no layer
  std::vector<LayerTime> out;
  while (st.step()) {
    out.push_back({static_cast<int32_t>(st.column_int(0)), phase_of(st.column_text(1)),
                   st.column_int(2), st.column_int(3)});
  }
  return out;
}

std::vector<KindTime> RunStore::kind_times(int64_t run_id, AggregateFrom from) {
  ReadScope read(impl_->db);
  require_run(run_id);
  const bool stored = from == AggregateFrom::StoredTotals && has_stored_totals();
  sql::Statement st(
      impl_->db,
      std::string(stored ? "SELECT kind, phase, total_ns AS t, flops, bytes, spans"
                           " FROM run_kind_totals WHERE run_id = ? ORDER BY "
                         : "SELECT kind, phase, SUM(duration_ns) AS t, SUM(flops), SUM(bytes),"
                           " COUNT(*) FROM spans WHERE run_id = ? GROUP BY kind, phase ORDER BY ") +
          kPhaseOrder + ", t DESC, kind");
  st.bind(1, run_id);
  std::vector<KindTime> out;
  while (st.step()) {
    out.push_back({st.column_text(0), phase_of(st.column_text(1)), st.column_int(2),
                   from_sql(st.column_int(3)), from_sql(st.column_int(4)), st.column_int(5)});
  }
  return out;
}

std::pair<int64_t, int64_t> RunStore::steps_with_spans(int64_t run_id) {
  ReadScope read(impl_->db);
  require_run(run_id);
  sql::Statement st(impl_->db,
                    "SELECT phase, COUNT(DISTINCT step) FROM span_blocks WHERE run_id = ?"
                    " GROUP BY phase");
  st.bind(1, run_id);
  std::pair<int64_t, int64_t> out{0, 0};
  while (st.step())
    (phase_of(st.column_text(0)) == Phase::Prefill ? out.first : out.second) = st.column_int(1);
  return out;
}

RunThroughput RunStore::throughput(int64_t run_id) {
  ReadScope read(impl_->db);
  require_run(run_id);
  sql::Statement st(impl_->db,
                    "SELECT phase, COUNT(*), SUM(tokens), SUM(duration_ns) FROM steps"
                    " WHERE run_id = ? GROUP BY phase");
  st.bind(1, run_id);
  RunThroughput out;
  while (st.step()) {
    PhaseThroughput& p = phase_of(st.column_text(0)) == Phase::Prefill ? out.prefill : out.decode;
    p.steps = st.column_int(1);
    p.tokens = st.column_int(2);
    p.total_ns = st.column_int(3);
    p.tokens_per_s = p.total_ns > 0 ? double(p.tokens) * 1e9 / double(p.total_ns) : 0.0;
  }
  return out;
}

}  // namespace archscope::prof::store
