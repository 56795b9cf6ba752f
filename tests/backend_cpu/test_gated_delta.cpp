#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

// Literal transcription of torch_recurrent_gated_delta_rule (l2norm in kernel) in float64.
void reference(int64_t T, int64_t Hk, int64_t Hv, int64_t dk, int64_t dv, const std::vector<float>& q,
               const std::vector<float>& k, const std::vector<float>& v, const std::vector<float>& a,
               const std::vector<float>& b, const std::vector<float>& A_log, const std::vector<float>& dt_bias,
               std::vector<double>& S, std::vector<double>& out) {
  out.assign(T * Hv * dv, 0.0);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t h = 0; h < Hv; ++h) {
      const int64_t kh = h / (Hv / Hk);
      std::vector<double> qn(dk), kn(dk);
      double qs = 0, ks = 0;
      for (int64_t i = 0; i < dk; ++i) { qs += double(q[(t * Hk + kh) * dk + i]) * q[(t * Hk + kh) * dk + i]; ks += double(k[(t * Hk + kh) * dk + i]) * k[(t * Hk + kh) * dk + i]; }
      for (int64_t i = 0; i < dk; ++i) {
        qn[i] = q[(t * Hk + kh) * dk + i] / std::sqrt(qs + 1e-6) / std::sqrt(double(dk));
        kn[i] = k[(t * Hk + kh) * dk + i] / std::sqrt(ks + 1e-6);
      }
      const double x = double(a[t * Hv + h]) + dt_bias[h];
      const double g = -std::exp(double(A_log[h])) * (x > 20 ? x : std::log1p(std::exp(x)));
      const double beta = 1 / (1 + std::exp(-double(b[t * Hv + h])));
      double* s = S.data() + h * dk * dv;
      for (int64_t i = 0; i < dk * dv; ++i) s[i] *= std::exp(g);
      for (int64_t j = 0; j < dv; ++j) {
        double mem = 0;
        for (int64_t i = 0; i < dk; ++i) mem += s[i * dv + j] * kn[i];
        const double delta = (v[(t * Hv + h) * dv + j] - mem) * beta;
        for (int64_t i = 0; i < dk; ++i) s[i * dv + j] += kn[i] * delta;
      }
      for (int64_t j = 0; j < dv; ++j) {
        double o = 0;
        for (int64_t i = 0; i < dk; ++i) o += s[i * dv + j] * qn[i];
        out[(t * Hv + h) * dv + j] = o;
      }
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backend_cpu_gated_delta)

BOOST_AUTO_TEST_CASE(recurrence_matches_transformers_rule) {
  CpuBackend be(3);
  Rng rng(131);
  const int64_t T = 6, Hk = 2, Hv = 6, dk = 19, dv = 23;  // 3 value heads per key head
  auto q = rng.uniform(T * Hk * dk), k = rng.uniform(T * Hk * dk), v = rng.uniform(T * Hv * dv);
  auto a = rng.uniform(T * Hv, -3, 3), b = rng.uniform(T * Hv, -3, 3);
  auto A_log = rng.uniform(Hv, -1, 2), dt = rng.uniform(Hv, -1, 1);
  auto s0 = rng.uniform(Hv * dk * dv, -0.5f, 0.5f);  // continuing from an earlier state
  std::vector<double> S(s0.begin(), s0.end()), want;
  reference(T, Hk, Hv, dk, dv, q, k, v, a, b, A_log, dt, S, want);
  Tensor state = upload_f32(be, {Hv, dk, dv}, s0), out = be.alloc(Elem::F32, {T, Hv, dv});
  be.gated_delta(be.default_stream(), upload_f32(be, {T, Hk, dk}, q), upload_f32(be, {T, Hk, dk}, k),
                 upload_f32(be, {T, Hv, dv}, v), upload_f32(be, {T, Hv}, a), upload_f32(be, {T, Hv}, b),
                 upload_f32(be, {Hv}, A_log), upload_f32(be, {Hv}, dt), state, out);
  ARCHSCOPE_CHECK_CLOSE(fetch(be, out), want, 1e-5);
  ARCHSCOPE_CHECK_CLOSE(fetch(be, state), S, 1e-5);
}

BOOST_AUTO_TEST_SUITE_END()
