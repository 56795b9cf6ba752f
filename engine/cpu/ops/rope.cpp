// Applies rotary embeddings in place with tables from engine/rope (cos/sin already multiplied by
// the YaRN attention factor). Pairs are (i, i + rot_dim/2) or, interleaved, (2i, 2i + 1); each
// pair rotates by position * inv_freq[i]. Dimensions outside the rotated span pass through.
#include <span>

#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::rope(Stream& s, Tensor& x, const Tensor& positions, const Tensor& cos,
                      const Tensor& sin, const RopeApplyParams& p) {
  const char* op = "rope";
  check_stream(*this, s, op);
  const contract::RopeDims d = contract::check_rope(x, positions, cos, sin, p);
  check_cpu(x, op, "x");
  check_cpu(positions, op, "positions");
  check_cpu(cos, op, "cos");
  check_cpu(sin, op, "sin");
  const int64_t T = d.tokens, H = d.heads, half = p.rot_dim / 2;
  float* xp = host<float>(x);
  const int32_t* pos = host<const int32_t>(positions);
  const float* cp = host<const float>(cos);
  const float* sp = host<const float>(sin);
  contract::check_indices(std::span(pos, static_cast<size_t>(T)), d.table_positions, op, "position");
  pool_.parallel_for(T * H, 16, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t t = r / H;
      const float* c = cp + static_cast<int64_t>(pos[t]) * half;
      const float* sn = sp + static_cast<int64_t>(pos[t]) * half;
      float* h = xp + r * p.head_dim + p.rot_offset;
      for (int64_t i = 0; i < half; ++i) {
        float* a = p.interleaved ? h + 2 * i : h + i;
        float* b = p.interleaved ? h + 2 * i + 1 : h + i + half;
        const float x1 = *a, x2 = *b;
        *a = x1 * c[i] - x2 * sn[i];
        *b = x2 * c[i] + x1 * sn[i];
      }
    }
  });
}

}  // namespace archscope::cpu
