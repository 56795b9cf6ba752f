// Token embedding gather with scale (Gemma: sqrt(d_model)) and an optional learned absolute
// position table (GPT-2), both read in their stored dtype and widened to fp32.
#include <span>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::embedding(Stream& s, const Tensor& ids, const Tensor& table, float scale,
                           const Tensor& positions, const Tensor& pos_table, Tensor& out) {
  const char* op = "embedding";
  check_stream(*this, s, op);
  const contract::EmbeddingDims d = contract::check_embedding(ids, table, positions, pos_table, out);
  check_cpu(ids, op, "ids");
  check_cpu(table, op, "table");
  check_cpu(out, op, "out");
  const int64_t T = d.tokens, D = d.width;
  const int32_t* idp = host<const int32_t>(ids);
  float* yp = host<float>(out);
  const int32_t* pp = nullptr;
  if (pos_table.defined()) {
    check_cpu(positions, op, "positions");
    check_cpu(pos_table, op, "pos_table");
    pp = host<const int32_t>(positions);
  }
  // Validate every index before touching memory, so a bad id is an error, not a stray read.
  contract::check_indices(std::span(idp, static_cast<size_t>(T)), d.vocab, op, "token id");
  if (pp) contract::check_indices(std::span(pp, static_cast<size_t>(T)), d.positions, op, "position");
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
