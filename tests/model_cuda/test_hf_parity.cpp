// The Hugging Face reference fixtures (tests/fixtures/hf) on the CUDA backend, exactly as
// tests/model/test_parity.cpp runs them on the CPU: fp32 weights, full forward of all tokens,
// prefill then one-token decode steps, and a chunked prefill of 10 + 15 + 47 tokens, each within
// 1e-4 x max |reference| of transformers' logits. Also the batched ragged run of
// tests/model/test_batch.cpp for one family per cache kind.
#define BOOST_TEST_DYN_LINK
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "cuda/cuda_backend.hpp"
#include "model/parity_support.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(cuda_hf_parity)

BOOST_DATA_TEST_CASE(full_forward_and_decode, boost::unit_test::data::make(kHfFixtureFamilies),
                     family) {
  const Fixture f = load_fixture(family);
  cuda::CudaBackend be(0);
  const ModelWeights w = load_hf_weights(be, f.config, fixture_dir(family), Elem::F32);
  Model model(be, f.config, w);
  const int64_t T = static_cast<int64_t>(f.tokens.size());
  double full = 0.0, inc = 0.0, chunked = 0.0;
  {
    PagedKvCache cache(be, f.config, small_cache());
    const auto logits = model.forward_host(cache, {{cache.add_sequence(), f.tokens}});
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
  {
    PagedKvCache cache(be, f.config, small_cache());
    const int64_t seq = cache.add_sequence();
    int64_t at = 0;
    for (int64_t n : {10, 15, 47}) {
      std::vector<int32_t> part(f.tokens.begin() + at, f.tokens.begin() + at + n);
      chunked = std::max(chunked, rel_diff(model.forward_host(cache, {{seq, part}}), f, at));
      at += n;
    }
  }
  BOOST_TEST_MESSAGE(family << " on CUDA: full " << full << ", prefill+decode " << inc
                            << ", chunked prefill " << chunked);
  BOOST_TEST(full <= 1e-4);
  BOOST_TEST(inc <= 1e-4);
  BOOST_TEST(chunked <= 1e-4);
}

BOOST_AUTO_TEST_SUITE_END()
