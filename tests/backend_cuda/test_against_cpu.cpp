// Ops whose reference is the CPU backend (itself checked against float64 in tests/backend_cpu):
// embedding and gather_rows (exact: copies and one multiply), router (same selection, weights to
// a few ulp: the softmax sum's order differs), conv1d_causal (inputs, weights and bias in
// [-1, 1]: a (K+1)-term sum of at most K+1 in magnitude, rounded to (K+1) u of that, then SiLU
// with slope < 1.1 and its own 8 u; twice that between two backends), gated_delta (per token and
// head a dk-term dot of normalised q with S and a rank-1 update, both backends in fp32 summing over
// i in the same order; the norms' sums differ in order, which is lambda sqrt(dk) u relative per
// step, carried by S over T steps: bound T * 16 * lambda sqrt(dk) u * max|out|).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "common/error.hpp"
#include "cuda_helpers.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

std::vector<double> to_double(const std::vector<float>& v) {
  return std::vector<double>(v.begin(), v.end());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cuda_against_cpu)

BOOST_AUTO_TEST_CASE(embedding_all_dtypes_with_positions) {
  for (Elem e : {Elem::F32, Elem::BF16, Elem::F16}) {
    const int64_t V = 50, D = 67, P = 20, T = 11;
    Rng r(static_cast<uint64_t>(e));
    std::vector<float> table = r.uniform(static_cast<size_t>(V * D)),
                       ptab = r.uniform(static_cast<size_t>(P * D));
    std::vector<int32_t> ids = {0, 49, 3, 3, 17, 8, 22, 1, 2, 40, 5},
                         pos = {0, 1, 2, 3, 4, 5, 6, 7, 19, 18, 0};
    auto run = [&](Backend& be, bool with_pos) {
      std::vector<float> t1 = table, t2 = ptab;
      Tensor out = poisoned(be, {T, D});
      be.embedding(be.default_stream(), put_i32(be, {T}, ids), put(be, e, {V, D}, t1), 1.5f,
                   put_i32(be, {T}, pos), with_pos ? put(be, e, {P, D}, t2) : Tensor(), out);
      return get(be, out);
    };
    for (bool with_pos : {false, true})
      BOOST_TEST(run(gpu(), with_pos) == run(host(), with_pos), "embedding " << name(e));
  }
}

BOOST_AUTO_TEST_CASE(gather_rows_exact) {
  Rng r(2);
  std::vector<float> x = r.uniform(10 * 33);
  std::vector<int32_t> rows = {9, 0, 4, 4};
  Tensor out = poisoned(gpu(), {4, 33});
  gpu().gather_rows(gpu().default_stream(), put_f32(gpu(), {10, 33}, x), put_i32(gpu(), {4}, rows),
                    out);
  std::vector<float> want;
  for (int32_t i : rows) want.insert(want.end(), x.begin() + i * 33, x.begin() + (i + 1) * 33);
  BOOST_TEST(get(gpu(), out) == want);
}

BOOST_AUTO_TEST_CASE(router_all_rules) {
  struct C {
    RouterScore score;
    int64_t E, K, groups, top_groups;
    bool bias, renorm;
    float scaling;
  };
  for (const C& c : {C{RouterScore::Softmax, 8, 2, 1, 1, false, false, 1.0f},
                     C{RouterScore::Softmax, 60, 4, 1, 1, false, true, 1.0f},
                     C{RouterScore::Sigmoid, 64, 8, 8, 4, true, true, 2.5f},
                     C{RouterScore::Sigmoid, 256, 8, 8, 4, true, true, 2.5f},
                     C{RouterScore::Softmax, 128, 8, 1, 1, false, false, 1.0f},
                     C{RouterScore::Sigmoid, 16, 1, 4, 2, true, false, 1.0f}}) {
    const int64_t T = 37;
    Rng r(static_cast<uint64_t>(c.E * 3 + c.K));
    // Distinct logits (a random permutation of a grid) so no two choices tie within rounding.
    std::vector<float> logits(static_cast<size_t>(T * c.E)),
        bias = r.uniform(static_cast<size_t>(c.E), -0.05f, 0.05f);
    for (int64_t t = 0; t < T; ++t) {
      std::vector<int> perm(static_cast<size_t>(c.E));
      for (int64_t i = 0; i < c.E; ++i) perm[static_cast<size_t>(i)] = static_cast<int>(i);
      std::shuffle(perm.begin(), perm.end(), r.gen);
      for (int64_t i = 0; i < c.E; ++i)
        logits[static_cast<size_t>(t * c.E + i)] =
            -4.0f +
            8.0f * static_cast<float>(perm[static_cast<size_t>(i)]) / static_cast<float>(c.E);
    }
    for (float& b : bias) b = std::round(b * 1000.0f) / 1000.0f + 0.0005f;
    RouterParams p;
    p.score = c.score;
    p.top_k = c.K;
    p.groups = c.groups;
    p.top_groups = c.top_groups;
    p.renormalize = c.renorm;
    p.routed_scaling = c.scaling;
    auto run = [&](Backend& be, std::vector<int32_t>& ids, std::vector<float>& w) {
      Tensor ti = be.alloc(Elem::I32, {T, c.K}), tw = poisoned(be, {T, c.K});
      be.router(be.default_stream(), put_f32(be, {T, c.E}, logits),
                c.bias ? put_f32(be, {c.E}, bias) : Tensor(), ti, tw, p);
      ids = get<int32_t>(be, ti);
      w = get(be, tw);
    };
    std::vector<int32_t> gi, ci;
    std::vector<float> gw, cw;
    run(gpu(), gi, gw);
    run(host(), ci, cw);
    BOOST_TEST(gi == ci, "router ids E=" << c.E << " K=" << c.K << " groups=" << c.groups);
    std::vector<double> bound(cw.size());
    for (size_t i = 0; i < cw.size(); ++i)
      bound[i] = 2 * (2 * accum(static_cast<double>(c.E)) + 8 * kU32) * std::fabs(cw[i]) + 1e-30;
    ARCHSCOPE_CHECK_BOUND(gw, to_double(cw), bound, "router weights E=" << c.E);
  }
}

BOOST_AUTO_TEST_CASE(conv1d_causal_with_state) {
  for (Elem we : {Elem::F32, Elem::BF16}) {
    const int64_t C = 77, K = 4;
    Rng r(static_cast<uint64_t>(we) + 3);
    std::vector<float> w = r.uniform(static_cast<size_t>(C * K)),
                       b = r.uniform(static_cast<size_t>(C));
    std::vector<float> st0 = r.uniform(static_cast<size_t>(C * (K - 1)));
    auto run = [&](Backend& be, std::vector<float>& state_after) {
      std::vector<float> wc = w;
      Tensor tw = put(be, we, {C, K}, wc), tb = put_f32(be, {C}, b),
             st = put_f32(be, {C, K - 1}, st0);
      std::vector<float> out;
      for (int64_t T : {5, 1, 2, 9}) {  // chunks: the state carries across calls
        Rng rx(static_cast<uint64_t>(T));
        Tensor o = poisoned(be, {T, C});
        be.conv1d_causal(be.default_stream(),
                         put_f32(be, {T, C}, rx.uniform(static_cast<size_t>(T * C))), tw, tb, st,
                         true, o);
        const auto v = get(be, o);
        out.insert(out.end(), v.begin(), v.end());
      }
      state_after = get(be, st);
      return out;
    };
    std::vector<float> gs, cs;
    const auto g = run(gpu(), gs), c = run(host(), cs);
    BOOST_TEST(gs == cs, "conv state carried");
    std::vector<double> bound(c.size());
    for (size_t i = 0; i < c.size(); ++i)
      bound[i] = 2 * kU32 * (1.1 * (K + 1) * (K + 1) + 8 * std::fabs(c[i])) + 1e-30;
    ARCHSCOPE_CHECK_BOUND(g, to_double(c), bound, "conv1d_causal " << name(we));
  }
}

BOOST_AUTO_TEST_CASE(gated_delta_recurrence) {
  const int64_t T = 13, Hk = 2, Hv = 4, dk = 32, dv = 48;
  Rng r(21);
  std::vector<float> q = r.uniform(static_cast<size_t>(T * Hk * dk)),
                     k = r.uniform(static_cast<size_t>(T * Hk * dk));
  std::vector<float> v = r.uniform(static_cast<size_t>(T * Hv * dv)),
                     a = r.uniform(static_cast<size_t>(T * Hv));
  std::vector<float> b = r.uniform(static_cast<size_t>(T * Hv)),
                     alog = r.uniform(static_cast<size_t>(Hv), -1, 0.5);
  std::vector<float> dt = r.uniform(static_cast<size_t>(Hv)),
                     s0 = r.uniform(static_cast<size_t>(Hv * dk * dv), -0.1f, 0.1f);
  auto run = [&](Backend& be, std::vector<float>& state) {
    Tensor st = put_f32(be, {Hv, dk, dv}, s0), out = poisoned(be, {T, Hv, dv});
    be.gated_delta(be.default_stream(), put_f32(be, {T, Hk, dk}, q), put_f32(be, {T, Hk, dk}, k),
                   put_f32(be, {T, Hv, dv}, v), put_f32(be, {T, Hv}, a), put_f32(be, {T, Hv}, b),
                   put_f32(be, {Hv}, alog), put_f32(be, {Hv}, dt), st, out);
    state = get(be, st);
    return get(be, out);
  };
  std::vector<float> gs, cs;
  const auto g = run(gpu(), gs), c = run(host(), cs);
  double mo = 0, ms = 0;
  for (float x : c) mo = std::max(mo, static_cast<double>(std::fabs(x)));
  for (float x : cs) ms = std::max(ms, static_cast<double>(std::fabs(x)));
  const double rel = static_cast<double>(T) * 16 * accum(static_cast<double>(dk));
  ARCHSCOPE_CHECK_BOUND(g, to_double(c), std::vector<double>(c.size(), rel * mo),
                        "gated_delta out");
  ARCHSCOPE_CHECK_BOUND(gs, to_double(cs), std::vector<double>(cs.size(), rel * ms),
                        "gated_delta state");
}

BOOST_AUTO_TEST_SUITE_END()
