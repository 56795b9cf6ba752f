#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_cpu_gated_rms_norm)

BOOST_AUTO_TEST_CASE(norm_times_weight_times_silu_gate) {
  CpuBackend be(3);
  Rng rng(41);
  const int64_t rows = 11, W = 131;
  auto x = rng.uniform(rows * W, -2, 2), z = rng.uniform(rows * W, -4, 4), w = rng.uniform(W, 0.5f, 1.5f);
  Tensor xt = upload_f32(be, {rows, W}, x), zt = upload_f32(be, {rows, W}, z);
  Tensor wt = upload_as(be, Elem::BF16, {W}, w);
  Tensor out = be.alloc(Elem::F32, {rows, W});
  be.gated_rms_norm(be.default_stream(), xt, zt, wt, 1e-6f, W, out);
  std::vector<double> want(rows * W);
  for (int64_t r = 0; r < rows; ++r) {
    double sq = 0;
    for (int64_t i = 0; i < W; ++i) sq += static_cast<double>(x[r * W + i]) * x[r * W + i];
    const double inv = 1 / std::sqrt(sq / W + 1e-6);
    for (int64_t i = 0; i < W; ++i) {
      const double zz = z[r * W + i];
      want[r * W + i] = w[i] * (x[r * W + i] * inv) * (zz / (1 + std::exp(-zz)));
    }
  }
  ARCHSCOPE_CHECK_CLOSE(fetch(be, out), want, 1e-5);
}

BOOST_AUTO_TEST_SUITE_END()
