// Loading a run's device activity (the kernels and step_memory tables of schema 3).
#include "common/error.hpp"
#include "store/store_impl.hpp"

namespace archscope::prof::store {

std::vector<KernelRecord> RunStore::load_kernels(int64_t run_id, const StepRange& steps) {
  ReadScope read(impl_->db);
  require_run(run_id);
  std::vector<KernelRecord> out;
  if (impl_->schema_version < 3) return out;  // an older file, read as it is: never traced
  sql::Statement st(
      impl_->db,
      "SELECT step, seq, layer, op, kind, name, grid_x, grid_y, grid_z, block_x, block_y,"
      " block_z, registers, shared_bytes, start_ns, duration_ns, bytes FROM kernels"
      " WHERE run_id = ? AND step BETWEEN ? AND ? ORDER BY step, seq");
  st.bind(1, run_id).bind(2, steps.first).bind(3, steps.last);
  while (st.step()) {
    KernelRecord r;
    r.step = st.column_int(0);
    r.layer = static_cast<int32_t>(st.column_int(2));
    r.op = st.column_text(3);
    if (!parse_activity_kind(st.column_text(4), r.kind))
      throw Error(ErrorKind::Parse,
                  impl_->path.string() + ": kernels run " + std::to_string(run_id),
                  "unknown activity kind '" + st.column_text(4) + "'");
    r.name = st.column_text(5);
    for (int i = 0; i < 3; ++i) {
      r.grid[i] = static_cast<int32_t>(st.column_int(6 + i));
      r.block[i] = static_cast<int32_t>(st.column_int(9 + i));
    }
    r.registers = static_cast<int32_t>(st.column_int(12));
    r.shared_bytes = st.column_int(13);
    r.start_ns = st.column_int(14);
    r.duration_ns = st.column_int(15);
    r.bytes = from_sql(st.column_int(16));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<StepMemoryRecord> RunStore::load_step_memory(int64_t run_id, const StepRange& steps) {
  ReadScope read(impl_->db);
  require_run(run_id);
  std::vector<StepMemoryRecord> out;
  if (impl_->schema_version < 3) return out;
  sql::Statement st(
      impl_->db,
      "SELECT step, allocator_in_use_bytes, allocator_reserved_bytes, device_used_bytes,"
      " device_total_bytes FROM step_memory WHERE run_id = ? AND step BETWEEN ? AND ?"
      " ORDER BY step");
  st.bind(1, run_id).bind(2, steps.first).bind(3, steps.last);
  while (st.step()) {
    StepMemoryRecord r;
    r.step = st.column_int(0);
    r.allocator_in_use_bytes = from_sql(st.column_int(1));
    r.allocator_reserved_bytes = from_sql(st.column_int(2));
    r.device_used_bytes = from_sql(st.column_int(3));
    r.device_total_bytes = from_sql(st.column_int(4));
    out.push_back(r);
  }
  return out;
}

}  // namespace archscope::prof::store
