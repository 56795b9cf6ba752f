// The parity bound (parity_support.hpp) is tight enough to fail a small real mistake: Gemma 3 run
// with its RMSNorm eps off by ten, either way. Ten times too small (1e-6, the usual RMSNorm
// default, instead of the fixture's 1e-5: what a missed config key gives) moves the logits by
// about 1.2e-4 x max |ref|, barely past the earlier 1e-4 rule; ten times too large by about 1.2e-3.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "parity_support.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(hf_parity_catches)

BOOST_AUTO_TEST_CASE(a_tenfold_rmsnorm_eps_in_gemma3_fails) {
  const Fixture f = load_fixture("gemma3_text");
  BOOST_REQUIRE_EQUAL(f.config.norm.eps, 1e-5);
  cpu::CpuBackend be(2);
  auto run = [&](double eps) {
    ModelConfig config = f.config;
    config.norm.eps = eps;
    const ModelWeights w = load_hf_weights(be, config, fixture_dir("gemma3_text"), Elem::F32);
    Model model(be, config, w);
    PagedKvCache cache(be, config, small_cache());
    const int64_t seq = cache.add_sequence();
    return rel_diff(model.forward_host(cache, {{seq, f.tokens}}), f, 0);
  };
  const double right = run(1e-5), small = run(1e-6), large = run(1e-4);
  BOOST_TEST_MESSAGE("gemma3_text, max |error| / max |ref|: eps 1e-5 (as configured) "
                     << right << ", eps 1e-6 " << small << ", eps 1e-4 " << large);
  BOOST_TEST(right <= kParityTolerance);
  BOOST_TEST(small > 10 * kParityTolerance);
  BOOST_TEST(large > 10 * kParityTolerance);
}

BOOST_AUTO_TEST_SUITE_END()
