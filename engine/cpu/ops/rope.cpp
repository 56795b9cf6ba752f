// Applies rotary embeddings in place with tables from engine/rope (cos/sin already multiplied by
// the YaRN attention factor). Pairs are (i, i + rot_dim/2) or, interleaved, (2i, 2i + 1); each
// pair rotates by position * inv_freq[i]. Dimensions outside the rotated span pass through.
#include "cpu/check.hpp"
#include "cpu/cpu_backend.hpp"

namespace archscope::cpu {

void CpuBackend::rope(Stream& s, Tensor& x, const Tensor& positions, const Tensor& cos,
                      const Tensor& sin, const RopeApplyParams& p) {
  const char* op = "rope";
  check_stream(*this, s, op);
  float* xp = out_f32(x, op, "x");
  const int32_t* pos = in_i32(positions, op, "positions");
  const float* cp = in_f32(cos, op, "cos");
  const float* sp = in_f32(sin, op, "sin");
  require(x.rank() == 3 && x.dim(2) == p.head_dim, op, "x must be [T, heads, head_dim]");
  require(p.rot_dim > 0 && p.rot_dim % 2 == 0 && p.rot_offset >= 0 && p.rot_offset + p.rot_dim <= p.head_dim,
          op, "rotated span outside the head");
  const int64_t T = x.dim(0), H = x.dim(1), half = p.rot_dim / 2;
  check_shape(positions, {T}, op, "positions");
  require(cos.rank() == 2 && cos.dim(1) == half && cos.shape() == sin.shape(), op,
          "cos/sin must both be [positions, rot_dim / 2]");
  const int64_t P = cos.dim(0);
  for (int64_t t = 0; t < T; ++t)
    require(pos[t] >= 0 && pos[t] < P, op, "position " + std::to_string(pos[t]) + " beyond the table of " + std::to_string(P));
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
