// Float64 references of the Backend ops (backend.hpp), each returning per output element the exact
// value and the error bound an fp32 evaluation of the op's formula must meet (error_bound.hpp).
// They read the stored values of every input (bf16/fp16 already rounded), as a kernel does.
#pragma once

#include <cstdint>
#include <vector>

#include "backend/op_params.hpp"
#include "error_bound.hpp"

namespace archscope::test {

using Floats = std::vector<float>;
using Ints = std::vector<int32_t>;

// ---- dense ops (ref_dense.cpp)
// y[t][n] = sum_k x[t][k] w[n][k] (+ b[n]); b empty for no bias.
Expected ref_linear(const Floats& x, const Floats& w, const Floats& b, int64_t T, int64_t K,
                    int64_t N);
// y[t][h][n] = sum_k x[t][h][k] w[h][n][k]: one [N, K] matrix per head.
Expected ref_head_linear(const Floats& x, const Floats& w, int64_t T, int64_t H, int64_t K,
                         int64_t N);
Expected ref_add(const Floats& a, const Floats& b, float scale);
Expected ref_embedding(const Floats& table, const Ints& ids, float scale, const Floats& pos_table,
                       const Ints& positions, int64_t D);
// x [T, H, head_dim], tables [P, rot_dim / 2].
Expected ref_rope(const Floats& x, const Ints& pos, const Floats& cos, const Floats& sin, int64_t H,
                  const RopeApplyParams& p);
Expected ref_activation(const Floats& x, Activation a);
Expected ref_glu(const Floats& gate_up, int64_t T, const GluParams& p);
// glu(x . w^T + b) with w [2F, K] in p.layout's order, b [2F] or empty: the sums' bounds carried
// through the activation.
Expected ref_linear_glu(const Floats& x, const Floats& w, const Floats& b, int64_t T, int64_t K,
                        int64_t F, const GluParams& p);
Expected ref_sigmoid_gate(const Floats& x, const Floats& gate, int64_t W);  // gate [T, W] or [T, 1]
Expected ref_softcap(const Floats& x, float scale, float cap);

// ---- memory and MoE-grouping ops (ref_moe.cpp)
// out[r, :] = scale * row_scale[r] * x[r, :] (row_scale empty: 1), rows of W.
Expected ref_scale(const Floats& x, float scale, const Floats& row_scale, int64_t W);
// out[index[r]] = base + sum over r of weight[r] * src[r] (weight empty: 1), rows of W.
Expected ref_index_add(const Floats& base, const Floats& src, const Ints& index,
                       const Floats& weight, int64_t W);
// Rows [offsets[e], offsets[e+1]) of x [R, K] through expert e's w [N, K] (+ bias [E, N]).
Expected ref_grouped_linear(const Floats& x, const Floats& w, const Floats& b, const Ints& offsets,
                            int64_t K, int64_t N);

// ---- norms (ref_norm.cpp); w / b empty when absent.
Expected ref_norm(const Floats& x, const Floats& w, const Floats& b, const NormParams& p);
Expected ref_gated_rms_norm(const Floats& x, const Floats& z, const Floats& w, float eps,
                            int64_t width);

// ---- attention (ref_attention.cpp)
struct AttentionCase {
  int64_t T, Hq, Hkv, Dqk, Dv, len;
  AttentionParams p;
};
// q [T, Hq, Dqk] at positions pos; k [len, Hkv, Dqk], v [len, Hkv, Dv] logical (no blocks);
// sinks [Hq] or empty. rounded_into: F32 when k/v are the values the pool holds; BF16/F16 when
// they are the fp32 values kv_store rounded into such a pool, whose rounding then joins the bound.
Expected ref_attention(const AttentionCase& c, const Floats& q, const Ints& pos, const Floats& k,
                       const Floats& v, const Floats& sinks, Elem rounded_into = Elem::F32);

// ---- recurrent ops (ref_recurrent.cpp)
// Depthwise causal conv over x [T, C] after `state` [C, K-1] (oldest first), weight [C, K], bias
// [C] or empty; SiLU after when silu. Returns out [T, C]; state_after receives the last K-1 inputs.
Expected ref_conv1d_causal(const Floats& x, const Floats& w, const Floats& b, const Floats& state,
                           int64_t T, int64_t C, int64_t K, bool silu, Floats& state_after);
struct DeltaCase {
  int64_t T, Hk, Hv, dk, dv;
};
// Gated DeltaNet (backend.hpp); state [Hv, dk, dv] in, out [T, Hv, dv]; state_after the new state.
Expected ref_gated_delta(const DeltaCase& c, const Floats& q, const Floats& k, const Floats& v,
                         const Floats& a, const Floats& b, const Floats& a_log,
                         const Floats& dt_bias, const Floats& state, Expected& state_after);

// ---- router (ref_router.cpp)
struct Routing {
  Ints ids;          // [T, k], best first
  Expected weights;  // [T, k]
  // Smallest gap between a selected and the best unselected choice value (and between the
  // groups kept and the best group dropped), as a multiple of their error bounds: > 1 means the
  // selection is decided by the data, not by rounding, so any correct backend picks these ids.
  double decisive = 0.0;
};
Routing ref_router(const Floats& logits, const Floats& bias, int64_t T, int64_t E,
                   const RouterParams& p);

}  // namespace archscope::test
