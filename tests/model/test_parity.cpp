// Parity with Hugging Face transformers on the 16 reference fixtures (tests/fixtures/hf): full
// forward of all 72 tokens, and prefill of decode_from tokens then one-token decode steps through
// the paged cache, both within kParityTolerance (1e-5) x max |reference| of logits.npy.
#define BOOST_TEST_DYN_LINK
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "parity_support.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(hf_parity)

BOOST_DATA_TEST_CASE(full_forward_and_decode, boost::unit_test::data::make(kHfFixtureFamilies),
                     family) {
  const Fixture f = load_fixture(family);
  cpu::CpuBackend be(2);
  const ModelWeights w = load_hf_weights(be, f.config, fixture_dir(family), Elem::F32);
  Model model(be, f.config, w);
  const int64_t T = static_cast<int64_t>(f.tokens.size());
  double full = 0.0, inc = 0.0;
  {
    PagedKvCache cache(be, f.config, small_cache());
    const int64_t seq = cache.add_sequence();
    const auto logits = model.forward_host(cache, {{seq, f.tokens}});
    BOOST_REQUIRE_EQUAL(static_cast<int64_t>(logits.size()), T * f.config.vocab_size);
    full = rel_diff(logits, f, 0);
  }
  {
    PagedKvCache cache(be, f.config, small_cache());
    const int64_t seq = cache.add_sequence();
    std::vector<int32_t> prompt(f.tokens.begin(), f.tokens.begin() + f.decode_from);
    inc = rel_diff(model.forward_host(cache, {{seq, prompt}}), f, 0);
    for (int64_t t = f.decode_from; t < T; ++t)
      inc = std::max(
          inc,
          rel_diff(model.forward_host(cache, {{seq, {f.tokens[static_cast<size_t>(t)]}}}), f, t));
  }
  double chunked = 0.0;
  {
    // Beyond the README's two runs: prefill in chunks of 10, 15 and 47 tokens, so multi-token
    // steps continue a cached sequence (absorbed MLA with several queries, sliding blocks
    // recycled between steps, conv/recurrent state carried over a chunk boundary).
    PagedKvCache cache(be, f.config, small_cache());
    const int64_t seq = cache.add_sequence();
    int64_t at = 0;
    for (int64_t n : {10, 15, 47}) {
      std::vector<int32_t> part(f.tokens.begin() + at, f.tokens.begin() + at + n);
      chunked = std::max(chunked, rel_diff(model.forward_host(cache, {{seq, part}}), f, at));
      at += n;
    }
  }
  BOOST_TEST_MESSAGE(family << ": full " << full << ", prefill+decode " << inc
                            << ", chunked prefill " << chunked << " (relative to max |ref| "
                            << f.max_ref << ")");
  BOOST_TEST(full <= kParityTolerance);
  BOOST_TEST(inc <= kParityTolerance);
  BOOST_TEST(chunked <= kParityTolerance);
}

BOOST_AUTO_TEST_SUITE_END()
