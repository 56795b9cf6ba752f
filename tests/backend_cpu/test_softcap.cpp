#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_cpu_softcap)

BOOST_AUTO_TEST_CASE(final_logit_scale_and_cap) {
  CpuBackend be(3);
  Rng rng(81);
  const int64_t n = 30001;
  auto x = rng.uniform(n, -100, 100);
  Tensor xt = upload_f32(be, {n}, x), out = be.alloc(Elem::F32, {n});
  be.softcap(be.default_stream(), xt, 0.5f, 30.0f, out);
  std::vector<double> want(n), plain(n);
  for (int64_t i = 0; i < n; ++i) {
    want[i] = 30.0 * std::tanh(0.5 * x[i] / 30.0);
    plain[i] = 0.5 * x[i];
  }
  ARCHSCOPE_CHECK_CLOSE(fetch(be, out), want, 1e-6);
  be.softcap(be.default_stream(), xt, 0.5f, 0.0f, out);  // cap 0: scale only
  ARCHSCOPE_CHECK_CLOSE(fetch(be, out), plain, 1e-6);
}

BOOST_AUTO_TEST_SUITE_END()
