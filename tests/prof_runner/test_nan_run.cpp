// A NaN injected at a chosen place (one weight of a copied HF fixture set to NaN, so its first
// appearance is known before the run) fails the run at the end of its first step, naming exactly
// that layer and op, in the run's failure, the RunFailed event and the activation records.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <string>

#include "poisoned_checkpoint.hpp"
#include "run_support.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

struct Site {
  const char* tensor;
  int64_t first, count, stride;  // elements set to NaN
  int32_t layer;  // where the first NaN must be named (-1 prologue, n_layers epilogue)
  const char* op;
};

// The llama fixture: 2 layers, d_model 64, d_ff 128, vocab 512.
const Site kSites[] = {
    {"model.embed_tokens.weight", 5, 512, 64, -1, "embedding"},  // column 5 of every token row
    {"model.layers.0.self_attn.k_proj.weight", 64 * 3 + 7, 1, 1, 0, "k_proj"},
    {"model.layers.1.mlp.down_proj.weight", 128 * 10 + 99, 1, 1, 1, "down_proj"},
    {"lm_head.weight", 64 * 17 + 2, 1, 1, 2, "lm_head"},
};

prof::RunOptions options_for(const PoisonedCheckpoint& p, bool op_checks) {
  prof::RunOptions o = small_options();
  o.hf_dir = p.dir;
  o.observe.op_checks = op_checks;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nan_run)

BOOST_AUTO_TEST_CASE(the_injected_site_is_named) {
  for (const Site& site : kSites) {
    BOOST_TEST_CONTEXT(site.tensor) {
      const auto ckpt = poisoned("llama", site.tensor, site.first, site.count, site.stride);
      const CollectedRun r = collect_run(ckpt->config, options_for(*ckpt, true));
      const prof::RunData& d = r.result.data;
      BOOST_TEST((d.run.status == prof::RunStatus::Failed));
      BOOST_TEST_REQUIRE(r.result.nan.has_value());
      const prof::NanSite& got = *r.result.nan;
      BOOST_TEST_MESSAGE(site.tensor << ": " << d.run.failure);
      BOOST_TEST(got.step == 0);
      BOOST_TEST(got.layer == site.layer);
      BOOST_TEST(got.op == site.op);
      BOOST_TEST(d.steps.size() == 1u);  // the run stops at the end of the step where it happened
      const std::string where =
          site.layer < 0 ? "the embedding" : "layer " + std::to_string(site.layer);
      BOOST_TEST(d.run.failure ==
                 "NaN in the forward pass: first at step 0, " + where + ", op " + site.op);

      const auto* failed = std::get_if<prof::RunFailed>(&r.events.back());
      BOOST_TEST_REQUIRE(failed != nullptr);
      BOOST_TEST_REQUIRE(failed->where.has_value());
      BOOST_TEST((*failed->where == got));
      BOOST_TEST(failed->reason == d.run.failure);
      // A transformer layer's activation record names the same op; earlier layers stay finite.
      if (site.layer >= 0 && site.layer < ckpt->config.n_layers) {
        BOOST_TEST_REQUIRE(r.result.summary.first_nan.has_value());
        BOOST_TEST(r.result.summary.first_nan->layer == site.layer);
        BOOST_TEST(r.result.summary.first_nan->op == site.op);
      }
      for (const prof::ActivationRecord& a : d.activations)
        if (a.layer < site.layer)
          BOOST_TEST(a.finite, "layer " << a.layer << " before the injected NaN");
    }
  }
}

BOOST_AUTO_TEST_CASE(without_op_checks_the_layer_is_still_named) {
  const Site& site = kSites[2];
  const auto ckpt = poisoned("llama", site.tensor, site.first);
  const CollectedRun r = collect_run(ckpt->config, options_for(*ckpt, false));
  BOOST_TEST((r.result.data.run.status == prof::RunStatus::Failed));
  BOOST_TEST_REQUIRE(r.result.nan.has_value());
  BOOST_TEST(r.result.nan->layer == site.layer);
  BOOST_TEST(r.result.nan->op.empty());
  BOOST_TEST(r.result.data.run.failure == "NaN in the forward pass: first at step 0, layer 1");
}

// Overflow rather than NaN (outlier channels scaled past the fp32 range) is still caught and
// named, as Inf or the NaN it becomes.
BOOST_AUTO_TEST_CASE(overflow_fails_naming_a_layer_and_op) {
  prof::RunOptions o = small_options();
  o.random_init.heavy_tailed = true;
  o.random_init.outlier_scale = 1e30;  // x · w over outlier channels: 1e30 × 1e30 overflows fp32
  const CollectedRun r = collect_run(mini("llama3-mini"), o);
  BOOST_TEST((r.result.data.run.status == prof::RunStatus::Failed));
  BOOST_TEST_REQUIRE(r.result.nan.has_value());
  BOOST_TEST(!r.result.nan->op.empty());
  BOOST_TEST(r.result.data.run.failure.find("op " + r.result.nan->op) != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
