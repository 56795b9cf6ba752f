#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_cpu_rope_apply)

BOOST_AUTO_TEST_CASE(halves_interleaved_partial_and_offset) {
  CpuBackend be(3);
  Rng rng(91);
  const int64_t T = 5, H = 3, D = 22, P = 50;
  struct Case { int64_t offset, rot; bool inter; };
  for (Case c : {Case{0, 22, false}, Case{0, 22, true}, Case{0, 6, false}, Case{8, 14, true}}) {
    const int64_t half = c.rot / 2;
    // Tables built here from their own frequencies (the table builder is tested in tests/rope).
    std::vector<float> cs(P * half), sn(P * half);
    for (int64_t p = 0; p < P; ++p)
      for (int64_t i = 0; i < half; ++i) {
        const double a = p * std::pow(10000.0, -2.0 * i / c.rot);
        cs[p * half + i] = static_cast<float>(std::cos(a));
        sn[p * half + i] = static_cast<float>(std::sin(a));
      }
    auto x = rng.uniform(T * H * D);
    std::vector<int32_t> pos{0, 3, 49, 17, 17};
    Tensor xt = upload_f32(be, {T, H, D}, x);
    be.rope(be.default_stream(), xt, upload_i32(be, {T}, pos), upload_f32(be, {P, half}, cs),
            upload_f32(be, {P, half}, sn), {D, c.offset, c.rot, c.inter});
    std::vector<double> want(x.begin(), x.end());
    for (int64_t t = 0; t < T; ++t)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t i = 0; i < half; ++i) {
          const int64_t base = (t * H + h) * D + c.offset;
          const int64_t a = c.inter ? base + 2 * i : base + i, b = c.inter ? base + 2 * i + 1 : base + i + half;
          const double co = cs[pos[t] * half + i], si = sn[pos[t] * half + i];
          want[a] = x[a] * co - x[b] * si;
          want[b] = x[b] * co + x[a] * si;
        }
    BOOST_TEST_CONTEXT("offset " << c.offset << " rot " << c.rot << " interleaved " << c.inter) {
      ARCHSCOPE_CHECK_CLOSE(fetch(be, xt), want, 1e-6);
    }
  }
}

BOOST_AUTO_TEST_CASE(position_beyond_table_throws) {
  CpuBackend be(1);
  Tensor x = be.alloc(Elem::F32, {1, 1, 4}), cs = be.alloc(Elem::F32, {8, 2}), sn = be.alloc(Elem::F32, {8, 2});
  BOOST_CHECK_THROW(be.rope(be.default_stream(), x, upload_i32(be, {1}, {8}), cs, sn, {4, 0, 4, false}), Error);
  BOOST_CHECK_THROW(be.rope(be.default_stream(), x, upload_i32(be, {1}, {0}), cs, sn, {4, 2, 4, false}), Error);
}

BOOST_AUTO_TEST_SUITE_END()
