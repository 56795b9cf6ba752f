// Loading a run's records back for the views and exporters.
#include <array>
#include <charconv>
#include <limits>
#include <unordered_map>

#include "common/error.hpp"
#include "store/expert_blob.hpp"
#include "store/store_impl.hpp"

namespace archscope::prof::store {

namespace {

Phase phase_of(const std::string& s) { return s == "decode" ? Phase::Decode : Phase::Prefill; }

// Parses the block format written by StoreStatements::insert_spans: [[op,start,dur,flops,bytes],...]
// with integers only. Anything else is a damaged row.
void decode_span_block(const std::string& text, const std::string& where,
                       std::vector<std::array<int64_t, 5>>& out) {
  out.clear();
  const char* p = text.data();
  const char* end = p + text.size();
  auto fail = [&]() -> void { throw Error(ErrorKind::Parse, where, "malformed span block"); };
  auto expect = [&](char c) {
    if (p == end || *p != c) fail();
    ++p;
  };
  expect('[');
  while (p != end && *p == '[') {
    ++p;
    std::array<int64_t, 5> f{};
    for (size_t k = 0; k < f.size(); ++k) {
      if (k) expect(',');
      auto res = std::from_chars(p, end, f[k]);
      if (res.ec != std::errc()) fail();
      p = res.ptr;
    }
    expect(']');
    out.push_back(f);
    if (p != end && *p == ',') ++p;
  }
  expect(']');
  if (p != end) fail();
}

}  // namespace

std::vector<SpanRecord> RunStore::load_spans(int64_t run_id, const SpanFilter& filter) {
  ReadScope read(impl_->db);
  require_run(run_id);
  // Op names once; blocks are decoded here rather than through the `spans` view, whose per-field
  // json_extract calls make it ~3x slower for bulk loads.
  std::unordered_map<int64_t, std::pair<std::string, std::string>> ops;
  {
    sql::Statement st(impl_->db, "SELECT id, op, kind FROM span_ops");
    while (st.step()) ops[st.column_int(0)] = {st.column_text(1), st.column_text(2)};
  }
  // Conditions are added only when set, so SQLite can use the block index for step or layer.
  std::string q = "SELECT id, step, phase, layer, spans FROM span_blocks WHERE run_id = ?";
  if (filter.step) q += " AND step = ?";
  if (filter.steps) q += " AND step BETWEEN ? AND ?";
  if (filter.layer) q += " AND layer = ?";
  q += " ORDER BY id";
  sql::Statement st(impl_->db, q);
  int i = 1;
  st.bind(i++, run_id);
  if (filter.step) st.bind(i++, *filter.step);
  if (filter.steps) {
    st.bind(i++, filter.steps->first);
    st.bind(i++, filter.steps->last);
  }
  if (filter.layer) st.bind(i++, int64_t{*filter.layer});
  std::vector<SpanRecord> out;
  std::vector<std::array<int64_t, 5>> fields;
  while (st.step()) {
    const std::string where =
        impl_->path.string() + ": span_blocks row " + std::to_string(st.column_int(0));
    decode_span_block(st.column_text(4), where, fields);
    SpanRecord r;
    r.step = st.column_int(1);
    r.phase = phase_of(st.column_text(2));
    r.layer = static_cast<int32_t>(st.column_int(3));
    for (const auto& f : fields) {
      auto op = ops.find(f[0]);
      if (op == ops.end()) throw Error(ErrorKind::Parse, where, "unknown span op id " + std::to_string(f[0]));
      if (filter.kind && op->second.second != *filter.kind) continue;
      r.op = op->second.first;
      r.kind = op->second.second;
      r.start_ns = f[1];
      r.duration_ns = f[2];
      r.flops = from_sql(f[3]);
      r.bytes = from_sql(f[4]);
      out.push_back(r);
    }
  }
  return out;
}

std::vector<StepRecord> RunStore::load_steps(int64_t run_id, const StepRange& steps) {
  ReadScope read(impl_->db);
  require_run(run_id);
  std::vector<StepRecord> out;
  std::unordered_map<int64_t, size_t> index;
  sql::Statement st(
      impl_->db,
      "SELECT step, phase, tokens, start_ns, duration_ns, kv_allocated_bytes,"
      " kv_used_bytes, context_tokens FROM steps WHERE run_id = ? AND step BETWEEN ? AND ?"
      " ORDER BY step");
  st.bind(1, run_id).bind(2, steps.first).bind(3, steps.last);
  while (st.step()) {
    StepRecord r;
    r.step = st.column_int(0);
    r.phase = phase_of(st.column_text(1));
    r.tokens = st.column_int(2);
    r.start_ns = st.column_int(3);
    r.duration_ns = st.column_int(4);
    r.kv_allocated_bytes = from_sql(st.column_int(5));
    r.kv_used_bytes = from_sql(st.column_int(6));
    r.context_tokens = st.column_int(7);
    index[r.step] = out.size();
    out.push_back(std::move(r));
  }
  sql::Statement kv(
      impl_->db,
      "SELECT step, kind, used_bytes FROM step_kv WHERE run_id = ? AND step BETWEEN ? AND ?");
  kv.bind(1, run_id).bind(2, steps.first).bind(3, steps.last);
  while (kv.step()) {
    // The foreign key guarantees the step exists.
    out[index.at(kv.column_int(0))].kv_used_by_kind[kv.column_text(1)] = from_sql(kv.column_int(2));
  }
  return out;
}

std::vector<ExpertCountRecord> RunStore::load_expert_counts(int64_t run_id,
                                                            const StepRange& steps) {
  ReadScope read(impl_->db);
  require_run(run_id);
  sql::Statement st(
      impl_->db,
      "SELECT step, layer, counts FROM expert_counts WHERE run_id = ? AND step BETWEEN ? AND ?"
      " ORDER BY step, layer");
  st.bind(1, run_id).bind(2, steps.first).bind(3, steps.last);
  std::vector<ExpertCountRecord> out;
  while (st.step()) {
    ExpertCountRecord r;
    r.step = st.column_int(0);
    r.layer = static_cast<int32_t>(st.column_int(1));
    r.tokens_per_expert = unpack_expert_counts(
        st.column_blob(2), impl_->path.string() + ": expert_counts run " + std::to_string(run_id) +
                               " step " + std::to_string(r.step) + " layer " + std::to_string(r.layer));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<ActivationRecord> RunStore::load_activations(int64_t run_id, const StepRange& steps) {
  ReadScope read(impl_->db);
  require_run(run_id);
  sql::Statement st(impl_->db,
                    "SELECT step, layer, rms, finite, first_bad_op FROM activations"
                    " WHERE run_id = ? AND step BETWEEN ? AND ? ORDER BY step, layer");
  st.bind(1, run_id).bind(2, steps.first).bind(3, steps.last);
  std::vector<ActivationRecord> out;
  while (st.step()) {
    ActivationRecord r;
    r.step = st.column_int(0);
    r.layer = static_cast<int32_t>(st.column_int(1));
    // NULL is how a NaN rms was stored (SQLite has no NaN).
    r.rms = st.is_null(2) ? std::numeric_limits<double>::quiet_NaN() : st.column_double(2);
    r.finite = st.column_int(3) != 0;
    r.first_bad_op = st.column_text(4);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace archscope::prof::store
