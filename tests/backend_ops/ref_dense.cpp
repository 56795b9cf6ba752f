// References of the dense and elementwise ops. Each formula is written in the order backend.hpp
// defines it; Tracked carries the bound (error_bound.hpp), literals the op rounds to fp32 as
// fp32_literal, float parameters as stored (the op receives them as floats).
#include <algorithm>
#include <cmath>

#include "reference.hpp"

namespace archscope::test {

namespace {

Tracked gelu_tanh(Tracked x) {
  const Tracked k = fp32_literal(std::sqrt(2.0 / M_PI)), c = fp32_literal(0.044715);
  return stored(0.5) * x * (stored(1.0) + tanh(k * (x + c * x * x * x)));
}
Tracked gelu_exact(Tracked x) {
  return stored(0.5) * x * (stored(1.0) + erf(x * fp32_literal(1.0 / std::sqrt(2.0))));
}
Tracked relu(Tracked x) {
  return x.v > 0.0 ? x : Tracked{};
}

std::vector<Tracked> tracked(const Floats& v, size_t begin, size_t n) {
  std::vector<Tracked> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = stored(v[begin + i]);
  return out;
}

}  // namespace

Expected ref_linear(const Floats& x, const Floats& w, const Floats& b, int64_t T, int64_t K,
                    int64_t N) {
  Expected y;
  for (int64_t t = 0; t < T; ++t) {
    const auto xr = tracked(x, static_cast<size_t>(t * K), static_cast<size_t>(K));
    for (int64_t n = 0; n < N; ++n) {
      const auto wr = tracked(w, static_cast<size_t>(n * K), static_cast<size_t>(K));
      y.push(b.empty() ? dot(xr, wr) : dot(xr, wr, stored(b[n])));
    }
  }
  return y;
}

Expected ref_head_linear(const Floats& x, const Floats& w, int64_t T, int64_t H, int64_t K,
                         int64_t N) {
  Expected y;
  for (int64_t t = 0; t < T; ++t)
    for (int64_t h = 0; h < H; ++h) {
      const auto xr = tracked(x, static_cast<size_t>((t * H + h) * K), static_cast<size_t>(K));
      for (int64_t n = 0; n < N; ++n)
        y.push(dot(xr, tracked(w, static_cast<size_t>((h * N + n) * K), static_cast<size_t>(K))));
    }
  return y;
}

Expected ref_add(const Floats& a, const Floats& b, float scale) {
  Expected y;
  for (size_t i = 0; i < a.size(); ++i) y.push(stored(a[i]) + stored(scale) * stored(b[i]));
  return y;
}

Expected ref_embedding(const Floats& table, const Ints& ids, float scale, const Floats& pos_table,
                       const Ints& positions, int64_t D) {
  Expected y;
  for (size_t t = 0; t < ids.size(); ++t)
    for (int64_t i = 0; i < D; ++i) {
      Tracked v = stored(scale) * stored(table[ids[t] * D + i]);
      if (!pos_table.empty()) v = v + stored(pos_table[positions[t] * D + i]);
      y.push(v);
    }
  return y;
}

Expected ref_rope(const Floats& x, const Ints& pos, const Floats& cos, const Floats& sin, int64_t H,
                  const RopeApplyParams& p) {
  std::vector<Tracked> y(x.size());
  for (size_t i = 0; i < x.size(); ++i) y[i] = stored(x[i]);  // outside the rotated span: unchanged
  const int64_t D = p.head_dim, half = p.rot_dim / 2, T = static_cast<int64_t>(pos.size());
  for (int64_t t = 0; t < T; ++t)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t i = 0; i < half; ++i) {
        const int64_t base = (t * H + h) * D + p.rot_offset;
        const int64_t a = p.interleaved ? base + 2 * i : base + i;
        const int64_t b = p.interleaved ? base + 2 * i + 1 : base + i + half;
        const Tracked c = stored(cos[pos[t] * half + i]), s = stored(sin[pos[t] * half + i]);
        const Tracked x1 = stored(x[a]), x2 = stored(x[b]);
        y[a] = x1 * c - x2 * s;
        y[b] = x2 * c + x1 * s;
      }
  return expected_from(y);
}

Expected ref_activation(const Floats& x, Activation a) {
  Expected y;
  for (float xi : x) {
    const Tracked v = stored(xi);
    switch (a) {
      case Activation::GeluTanh:
        y.push(gelu_tanh(v));
        break;
      case Activation::GeluExact:
        y.push(gelu_exact(v));
        break;
      case Activation::Relu:
        y.push(relu(v));
        break;
      case Activation::Silu:
        y.push(silu(v));
        break;
      case Activation::Sigmoid:
        y.push(sigmoid(v));
        break;
    }
  }
  return y;
}

namespace {

// act(gate) * up as backend.hpp defines each kind; g and u carry their errors (a clamp is an
// exact selection and 1-Lipschitz: the bound passes through it unchanged).
Tracked glu_value(Tracked g, Tracked u, const GluParams& p) {
  switch (p.kind) {
    case GluKind::SwiGlu:
      return silu(g) * u;
    case GluKind::GeGluTanh:
      return gelu_tanh(g) * u;
    case GluKind::GeGluExact:
      return gelu_exact(g) * u;
    case GluKind::SwiGluClamped:
      // gpt-oss: gate = min(gate, limit), up = clamp(up, -limit, limit) (exact selections),
      // out = (up + 1) * gate * sigmoid(alpha * gate).
      if (g.v > p.limit) g = {p.limit, g.e};
      u = {std::clamp(u.v, -static_cast<double>(p.limit), static_cast<double>(p.limit)), u.e};
      return (u + stored(1.0)) * (g * sigmoid(g * stored(p.alpha)));
  }
  return {};
}

}  // namespace

Expected ref_glu(const Floats& gate_up, int64_t T, const GluParams& p) {
  Expected y;
  const int64_t F = static_cast<int64_t>(gate_up.size()) / T / 2;
  const bool inter = p.layout == GluLayout::Interleaved;
  for (int64_t t = 0; t < T; ++t)
    for (int64_t f = 0; f < F; ++f) {
      const float* row = gate_up.data() + t * 2 * F;
      y.push(glu_value(stored(inter ? row[2 * f] : row[f]),
                       stored(inter ? row[2 * f + 1] : row[F + f]), p));
    }
  return y;
}

Expected ref_linear_glu(const Floats& x, const Floats& w, const Floats& b, int64_t T, int64_t K,
                        int64_t F, const GluParams& p) {
  Expected y;
  const bool inter = p.layout == GluLayout::Interleaved;
  for (int64_t t = 0; t < T; ++t) {
    const auto xr = tracked(x, static_cast<size_t>(t * K), static_cast<size_t>(K));
    auto row_sum = [&](int64_t n) {
      const auto wr = tracked(w, static_cast<size_t>(n * K), static_cast<size_t>(K));
      return b.empty() ? dot(xr, wr) : dot(xr, wr, stored(b[static_cast<size_t>(n)]));
    };
    for (int64_t f = 0; f < F; ++f)
      y.push(glu_value(row_sum(inter ? 2 * f : f), row_sum(inter ? 2 * f + 1 : F + f), p));
  }
  return y;
}

Expected ref_sigmoid_gate(const Floats& x, const Floats& gate, int64_t W) {
  Expected y;
  const bool per_row = gate.size() != x.size();
  for (size_t i = 0; i < x.size(); ++i)
    y.push(stored(x[i]) * sigmoid(stored(per_row ? gate[i / static_cast<size_t>(W)] : gate[i])));
  return y;
}

Expected ref_softcap(const Floats& x, float scale, float cap) {
  Expected y;
  for (float xi : x) {
    const Tracked s = stored(scale) * stored(xi);
    y.push(cap > 0.0f ? stored(cap) * tanh(s / stored(cap)) : s);
  }
  return y;
}

}  // namespace archscope::test
