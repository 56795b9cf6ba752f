// LogitRows::LastPerSequence: a batched prefill that keeps only each sequence's last logits row
// gives exactly those rows of the full forward (generation's prefill), and leaves the cache the same.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "parity_support.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(last_rows)

BOOST_AUTO_TEST_CASE(last_rows_equal_the_full_forward_rows) {
  for (const std::string family : {"llama", "gemma3_softcap", "deepseek_v3"}) {
    const Fixture f = load_fixture(family);
    cpu::CpuBackend be(2);
    const ModelWeights w = load_hf_weights(be, f.config, fixture_dir(family), Elem::F32);
    Model model(be, f.config, w);
    const size_t V = static_cast<size_t>(f.config.vocab_size);
    const std::vector<int32_t> a(f.tokens.begin(), f.tokens.begin() + 17), b(f.tokens.begin() + 20, f.tokens.begin() + 25);

    PagedKvCache full_cache(be, f.config, small_cache());
    const int64_t fa = full_cache.add_sequence(), fb = full_cache.add_sequence();
    const auto full = model.forward_host(full_cache, {{fa, a}, {fb, b}});

    PagedKvCache last_cache(be, f.config, small_cache());
    const int64_t la = last_cache.add_sequence(), lb = last_cache.add_sequence();
    const auto last = model.forward_host(last_cache, {{la, a}, {lb, b}}, LogitRows::LastPerSequence);
    BOOST_TEST_REQUIRE(last.size() == 2 * V);
    const std::vector<float> want_a(full.begin() + (a.size() - 1) * V, full.begin() + a.size() * V);
    const std::vector<float> want_b(full.end() - V, full.end());
    // Not bit-exact: 2 rows take the matvec kernel, 22 rows the blocked GEMM (another summation
    // order), so compare within fp32 rounding of the reference scale.
    double diff = 0.0;
    for (size_t i = 0; i < V; ++i) {
      diff = std::max(diff, std::fabs(static_cast<double>(last[i]) - want_a[i]));
      diff = std::max(diff, std::fabs(static_cast<double>(last[V + i]) - want_b[i]));
    }
    BOOST_TEST(diff <= 1e-5 * f.max_ref, family << ": last rows vs full forward " << diff);

    // The next decode step sees the same cache either way.
    const int32_t t = f.tokens[40];
    const auto step_full = model.forward_host(full_cache, {{fa, {t}}});
    const auto step_last = model.forward_host(last_cache, {{la, {t}}}, LogitRows::LastPerSequence);
    BOOST_TEST(step_full == step_last, boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_SUITE_END()
