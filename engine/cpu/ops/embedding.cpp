// Token embedding gather with scale (Gemma: sqrt(d_model)) and an optional learned absolute
// position table (GPT-2), both read in their stored dtype and widened to fp32.
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::embedding(Stream& s, const Tensor& ids, const Tensor& table, float scale,
                           const Tensor& positions, const Tensor& pos_table, Tensor& out) {
  const char* op = "embedding";
  check_stream(*this, s, op);
  const int32_t* idp = in_i32(ids, op, "ids");
  check_float(table, op, "table");
  require(ids.rank() == 1 && table.rank() == 2, op, "ids must be [T], table [V, D]");
  const int64_t T = ids.dim(0), V = table.dim(0), D = table.dim(1);
  float* yp = out_f32(out, op, "out");
  check_shape(out, {T, D}, op, "out");
  const int32_t* pp = nullptr;
  int64_t P = 0;
  if (pos_table.defined()) {
    check_float(pos_table, op, "pos_table");
    pp = in_i32(positions, op, "positions");
    check_shape(positions, {T}, op, "positions");
    require(pos_table.rank() == 2 && pos_table.dim(1) == D, op, "pos_table must be [P, D]");
    P = pos_table.dim(0);
  }
  // Validate every index before touching memory, so a bad id is an error, not a stray read.
  for (int64_t t = 0; t < T; ++t) {
    require(idp[t] >= 0 && idp[t] < V, op, "token id " + std::to_string(idp[t]) + " outside [0, " + std::to_string(V) + ")");
    if (pp) require(pp[t] >= 0 && pp[t] < P, op, "position " + std::to_string(pp[t]) + " outside [0, " + std::to_string(P) + ")");
  }
  const void* tb = raw(table);
  const void* pb = pp ? raw(pos_table) : nullptr;
  pool_.parallel_for(T, 1, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t) {
      float* y = yp + t * D;
      const int64_t row = static_cast<int64_t>(idp[t]) * D;
      for (int64_t i = 0; i < D; ++i) y[i] = scale * load_float(tb, table.elem(), row + i);
      if (pb) {
        const int64_t prow = static_cast<int64_t>(pp[t]) * D;
        for (int64_t i = 0; i < D; ++i) y[i] += load_float(pb, pos_table.elem(), prow + i);
      }
    }
  });
}

}  // namespace archscope::cpu
