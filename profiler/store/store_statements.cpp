#include "store/store_statements.hpp"

#include <cmath>

#include "store/expert_blob.hpp"

namespace archscope::prof::store {

StoreStatements::StoreStatements(sql::Db& d)
    : db(d),
      span(d,
           "INSERT INTO spans (run_id, step, phase, layer, op, kind, start_ns, duration_ns, flops,"
           " bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      step(d,
           "INSERT INTO steps (run_id, step, phase, tokens, start_ns, duration_ns,"
           " kv_allocated_bytes, kv_used_bytes, context_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      step_kv(d, "INSERT INTO step_kv (run_id, step, kind, used_bytes) VALUES (?, ?, ?, ?)"),
      expert(d,
             "INSERT INTO expert_counts (run_id, step, layer, n_experts, counts)"
             " VALUES (?, ?, ?, ?, ?)"),
      activation(d,
                 "INSERT INTO activations (run_id, step, layer, rms, finite, first_bad_op)"
                 " VALUES (?, ?, ?, ?, ?, ?)") {}

void StoreStatements::insert(int64_t run_id, const SpanRecord& r) {
  span.bind(1, run_id)
      .bind(2, r.step)
      .bind(3, std::string_view(to_string(r.phase)))
      .bind(4, int64_t{r.layer})
      .bind(5, std::string_view(r.op))
      .bind(6, std::string_view(r.kind))
      .bind(7, r.start_ns)
      .bind(8, r.duration_ns)
      .bind(9, to_sql(r.flops))
      .bind(10, to_sql(r.bytes))
      .run();
}

void StoreStatements::insert(int64_t run_id, const StepRecord& r) {
  step.bind(1, run_id)
      .bind(2, r.step)
      .bind(3, std::string_view(to_string(r.phase)))
      .bind(4, r.tokens)
      .bind(5, r.start_ns)
      .bind(6, r.duration_ns)
      .bind(7, to_sql(r.kv_allocated_bytes))
      .bind(8, to_sql(r.kv_used_bytes))
      .bind(9, r.context_tokens)
      .run();
  for (const auto& [kind, bytes] : r.kv_used_by_kind) {
    step_kv.bind(1, run_id).bind(2, r.step).bind(3, std::string_view(kind)).bind(4, to_sql(bytes)).run();
  }
}

void StoreStatements::insert(int64_t run_id, const ExpertCountRecord& r) {
  std::string blob = pack_expert_counts(r.tokens_per_expert);
  expert.bind(1, run_id)
      .bind(2, r.step)
      .bind(3, int64_t{r.layer})
      .bind(4, static_cast<int64_t>(r.tokens_per_expert.size()))
      .bind_blob(5, blob.data(), blob.size())
      .run();
}

void StoreStatements::insert(int64_t run_id, const ActivationRecord& r) {
  activation.bind(1, run_id).bind(2, r.step).bind(3, int64_t{r.layer});
  // SQLite turns a NaN REAL into NULL anyway; binding NULL says so explicitly. Inf is stored as is.
  if (std::isnan(r.rms)) {
    activation.bind_null(4);
  } else {
    activation.bind(4, r.rms);
  }
  activation.bind(5, int64_t{r.finite ? 1 : 0}).bind(6, std::string_view(r.first_bad_op)).run();
}

}  // namespace archscope::prof::store
