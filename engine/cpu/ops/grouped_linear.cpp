// Per-expert linear over rows grouped by moe_group: each expert's contiguous rows go through the
// same kernels as linear() (streaming for a few rows, the packed GEMM for many) with that expert's
// [N, K] slice of the stacked weights. On the CPU the offsets are host memory, read directly.
#include <span>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::grouped_linear(Stream& s, const Tensor& x, const Tensor& w, const Tensor& bias,
                                const Tensor& offsets, Tensor& out) {
  const char* op = "grouped_linear";
  check_stream(*this, s, op);
  const contract::GroupedLinearDims d = contract::check_grouped_linear(x, w, bias, offsets, out);
  check_cpu(x, op, "x");
  check_cpu(w, op, "w");
  check_cpu_optional(bias, op, "bias");
  check_cpu(offsets, op, "offsets");
  check_cpu(out, op, "out");
  const int64_t K = d.in, E = d.experts, N = d.out;
  const int32_t* off = host<const int32_t>(offsets);
  contract::check_group_offsets(std::span(off, static_cast<size_t>(E + 1)), d.rows, op);
  for (int64_t e = 0; e < E; ++e) {
    const int64_t r0 = off[e], n = off[e + 1] - off[e];
    if (n == 0) continue;
    Tensor ye = out.slice_rows(r0, n);
    linear(s, x.slice_rows(r0, n), w.slice_rows(e, 1).reshape({N, K}),
           bias.defined() ? bias.slice_rows(e, 1).reshape({N}) : Tensor(), ye);
  }
}

}  // namespace archscope::cpu
