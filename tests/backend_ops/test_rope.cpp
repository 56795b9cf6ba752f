#include <cmath>

#include "conformance.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(backend_ops_rope)

BOOST_AUTO_TEST_CASE(halves_interleaved_partial_and_offset) {
  for_each_backend([](Backend& be) {
    Rng rng(91);
    const int64_t T = 5, H = 3, D = 22, P = 50;
    struct Case {
      int64_t offset, rot;
      bool inter;
    };
    for (Case c : {Case{0, 22, false}, Case{0, 22, true}, Case{0, 6, false}, Case{8, 14, true}}) {
      const int64_t half = c.rot / 2;
      // Tables built here from their own frequencies (the table builder is tested in tests/rope).
      Floats cs(static_cast<size_t>(P * half)), sn(static_cast<size_t>(P * half));
      for (int64_t p = 0; p < P; ++p)
        for (int64_t i = 0; i < half; ++i) {
          const double a = p * std::pow(10000.0, -2.0 * i / c.rot);
          cs[p * half + i] = static_cast<float>(std::cos(a));
          sn[p * half + i] = static_cast<float>(std::sin(a));
        }
      auto x = rng.uniform(T * H * D);
      const Ints pos{0, 3, 49, 17, 17};
      const RopeApplyParams rp{D, c.offset, c.rot, c.inter};
      Tensor xt = upload_f32(be, {T, H, D}, x);
      be.rope(be.default_stream(), xt, upload_i32(be, {T}, pos), upload_f32(be, {P, half}, cs),
              upload_f32(be, {P, half}, sn), rp);
      BOOST_TEST_CONTEXT("offset " << c.offset << " rot " << c.rot << " interleaved " << c.inter) {
        ARCHSCOPE_CHECK_WITHIN(fetch(be, xt), ref_rope(x, pos, cs, sn, H, rp));
      }
    }
  });
}

BOOST_AUTO_TEST_SUITE_END()
