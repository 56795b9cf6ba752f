#include "store/store_statements.hpp"

#include <charconv>
#include <cmath>

#include "common/error.hpp"
#include "store/expert_blob.hpp"

namespace archscope::prof::store {

StoreStatements::StoreStatements(sql::Db& d)
    : db(d),
      span_block(d,
                 "INSERT INTO span_blocks (run_id, step, phase, layer, n_spans, total_ns, spans)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?)"),
      op_insert(d, "INSERT OR IGNORE INTO span_ops (op, kind) VALUES (?, ?)"),
      op_select(d, "SELECT id FROM span_ops WHERE op = ? AND kind = ?"),
      step(
          d,
          "INSERT INTO steps (run_id, step, phase, tokens, start_ns, duration_ns,"
          " kv_allocated_bytes, kv_used_bytes, context_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      step_kv(d, "INSERT INTO step_kv (run_id, step, kind, used_bytes) VALUES (?, ?, ?, ?)"),
      expert(d,
             "INSERT INTO expert_counts (run_id, step, layer, n_experts, counts)"
             " VALUES (?, ?, ?, ?, ?)"),
      activation(d,
                 "INSERT INTO activations (run_id, step, layer, rms, finite, first_bad_op)"
                 " VALUES (?, ?, ?, ?, ?, ?)"),
      kernel(d,
             "INSERT INTO kernels (run_id, step, seq, layer, op, kind, name, grid_x, grid_y, grid_z,"
             " block_x, block_y, block_z, registers, shared_bytes, start_ns, duration_ns, bytes)"
             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      step_memory(d,
                  "INSERT INTO step_memory (run_id, step, allocator_in_use_bytes,"
                  " allocator_reserved_bytes, device_used_bytes, device_total_bytes)"
                  " VALUES (?, ?, ?, ?, ?, ?)"),
      layer_total(d,
                  "INSERT INTO run_layer_totals (run_id, phase, layer, total_ns, spans)"
                  " VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, phase, layer) DO UPDATE SET"
                  " total_ns = total_ns + excluded.total_ns, spans = spans + excluded.spans"),
      kind_total(d,
                 "INSERT INTO run_kind_totals (run_id, phase, kind, total_ns, flops, bytes, spans)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, phase, kind) DO UPDATE SET"
                 " total_ns = total_ns + excluded.total_ns, flops = flops + excluded.flops,"
                 " bytes = bytes + excluded.bytes, spans = spans + excluded.spans") {}

int64_t StoreStatements::op_id(const std::string& op, const std::string& kind) {
  auto key = std::make_pair(op, kind);
  auto it = op_ids.find(key);
  if (it != op_ids.end()) return it->second;
  op_insert.bind(1, std::string_view(op)).bind(2, std::string_view(kind)).run();
  op_select.bind(1, std::string_view(op)).bind(2, std::string_view(kind));
  if (!op_select.step()) throw Error(ErrorKind::Internal, db.path(), "span_ops row vanished");
  int64_t id = op_select.column_int(0);
  op_select.reset();
  op_ids.emplace(std::move(key), id);
  return id;
}

namespace {
void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}
}  // namespace

void StoreStatements::insert_spans(int64_t run_id, std::span<const SpanRecord> spans) {
  size_t i = 0;
  while (i < spans.size()) {
    const SpanRecord& first = spans[i];
    json_.assign("[");
    int64_t total_ns = 0;
    size_t j = i;
    for (; j < spans.size(); ++j) {
      const SpanRecord& r = spans[j];
      if (r.step != first.step || r.layer != first.layer || r.phase != first.phase) break;
      if (j > i) json_.push_back(',');
      json_.push_back('[');
      append_int(json_, op_id(r.op, r.kind));
      json_.push_back(',');
      append_int(json_, r.start_ns);
      json_.push_back(',');
      append_int(json_, r.duration_ns);
      json_.push_back(',');
      append_int(json_, to_sql(r.flops));
      json_.push_back(',');
      append_int(json_, to_sql(r.bytes));
      json_.push_back(']');
      total_ns += r.duration_ns;
    }
    json_.push_back(']');
    span_block.bind(1, run_id)
        .bind(2, first.step)
        .bind(3, std::string_view(to_string(first.phase)))
        .bind(4, int64_t{first.layer})
        .bind(5, static_cast<int64_t>(j - i))
        .bind(6, total_ns)
        .bind(7, std::string_view(json_))
        .run();
    i = j;
  }
}

void StoreStatements::add_totals(int64_t run_id, std::span<const SpanRecord> spans) {
  // A batch touches a few dozen (phase, layer) and a dozen (phase, kind) keys, and consecutive
  // spans mostly share them: flat vectors searched from the last hit cost less per span than maps.
  struct LayerSum {
    Phase phase;
    int32_t layer;
    int64_t ns = 0, n = 0;
  };
  struct KindSum {
    Phase phase;
    std::string_view kind;
    int64_t ns = 0, n = 0;
    uint64_t flops = 0, bytes = 0;
  };
  std::vector<LayerSum> layers;
  std::vector<KindSum> kinds;
  size_t last_layer = 0, last_kind = 0;
  for (const SpanRecord& r : spans) {
    if (last_layer >= layers.size() || layers[last_layer].phase != r.phase ||
        layers[last_layer].layer != r.layer) {
      last_layer = 0;
      while (last_layer < layers.size() &&
             (layers[last_layer].phase != r.phase || layers[last_layer].layer != r.layer))
        ++last_layer;
      if (last_layer == layers.size()) layers.push_back({r.phase, r.layer});
    }
    LayerSum& l = layers[last_layer];
    l.ns += r.duration_ns;
    ++l.n;
    const std::string_view kind(r.kind);
    if (last_kind >= kinds.size() || kinds[last_kind].phase != r.phase ||
        kinds[last_kind].kind != kind) {
      last_kind = 0;
      while (last_kind < kinds.size() &&
             (kinds[last_kind].phase != r.phase || kinds[last_kind].kind != kind))
        ++last_kind;
      if (last_kind == kinds.size()) kinds.push_back({r.phase, kind});
    }
    KindSum& k = kinds[last_kind];
    k.ns += r.duration_ns;
    ++k.n;
    k.flops += r.flops;
    k.bytes += r.bytes;
  }
  for (const LayerSum& l : layers) {
    layer_total.bind(1, run_id)
        .bind(2, std::string_view(to_string(l.phase)))
        .bind(3, int64_t{l.layer})
        .bind(4, l.ns)
        .bind(5, l.n)
        .run();
  }
  for (const KindSum& k : kinds) {
    kind_total.bind(1, run_id)
        .bind(2, std::string_view(to_string(k.phase)))
        .bind(3, k.kind)
        .bind(4, k.ns)
        .bind(5, to_sql(k.flops))
        .bind(6, to_sql(k.bytes))
        .bind(7, k.n)
        .run();
  }
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
    step_kv.bind(1, run_id)
        .bind(2, r.step)
        .bind(3, std::string_view(kind))
        .bind(4, to_sql(bytes))
        .run();
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

void StoreStatements::insert(int64_t run_id, const KernelRecord& r, int64_t seq) {
  kernel.bind(1, run_id)
      .bind(2, r.step)
      .bind(3, seq)
      .bind(4, int64_t{r.layer})
      .bind(5, std::string_view(r.op))
      .bind(6, std::string_view(to_string(r.kind)))
      .bind(7, std::string_view(r.name))
      .bind(8, int64_t{r.grid[0]})
      .bind(9, int64_t{r.grid[1]})
      .bind(10, int64_t{r.grid[2]})
      .bind(11, int64_t{r.block[0]})
      .bind(12, int64_t{r.block[1]})
      .bind(13, int64_t{r.block[2]})
      .bind(14, int64_t{r.registers})
      .bind(15, r.shared_bytes)
      .bind(16, r.start_ns)
      .bind(17, r.duration_ns)
      .bind(18, to_sql(r.bytes))
      .run();
}

void StoreStatements::insert(int64_t run_id, const StepMemoryRecord& r) {
  step_memory.bind(1, run_id)
      .bind(2, r.step)
      .bind(3, to_sql(r.allocator_in_use_bytes))
      .bind(4, to_sql(r.allocator_reserved_bytes))
      .bind(5, to_sql(r.device_used_bytes))
      .bind(6, to_sql(r.device_total_bytes))
      .run();
}

}  // namespace archscope::prof::store
