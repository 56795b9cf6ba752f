// The forward pass executes exactly the analytic plan: for every HF fixture family and every
// -mini preset, in prefill and in decode, the sequence of ops the observer sees (a fused step
// counting as its plan ops, adjacent: a pair in either order, q_proj + "k_proj,v_proj" in plan
// order; OpEvent::also) equals the plan's ops
// in execution order
// (Plan::for_each_op), layer by layer. The profiler charges each executed op the plan's FLOPs and
// bytes, so any drift between the two (an op run twice, skipped, reordered or misnamed) would make
// every measured rate wrong; it fails here, not at run time. Each before() is matched by an
// after().
#define BOOST_TEST_DYN_LINK
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "model/random_source.hpp"
#include "parity_support.hpp"
#include "plan/plan.hpp"
#include "presets/preset_catalog.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

using Step = std::pair<int64_t, std::string>;  // (layer: -1 prologue, n_layers epilogue; op name)

struct Recorder final : ForwardObserver {
  std::vector<Step> steps;
  std::vector<bool> fused;  // steps[i] and steps[i + 1] are one fused event
  int open = 0;
  bool nested = false, unmatched = false;
  std::string last_open;
  void before(Stream&, const OpEvent& e) override {
    nested = nested || open > 0;
    ++open;
    last_open = e.op;
    steps.push_back({e.layer, e.op});
    // A fused pair may name its two plan ops either way round; a longer list is in plan order.
    const std::vector<std::string> more = fused_ops(e.also);
    fused.push_back(more.size() == 1);
    for (const std::string& n : more) {
      steps.push_back({e.layer, n});
      fused.push_back(false);
    }
  }
  void after(Stream&, const OpEvent& e) override {
    unmatched = unmatched || open != 1 || last_open != e.op;
    --open;
  }
};

std::vector<Step> plan_steps(const ModelConfig& c, const PlanOptions& o) {
  const Plan p = build_plan(c, o);
  std::vector<Step> out;
  for (const Op& op : p.prologue) out.push_back({-1, op.name});
  for (size_t i = 0; i < p.layers.size(); ++i)
    for (const Op& op : p.layers[i].ops) out.push_back({static_cast<int64_t>(i), op.name});
  for (const Op& op : p.epilogue) out.push_back({c.n_layers, op.name});
  return out;
}

std::string show(const std::vector<Step>& s, size_t at) {
  std::ostringstream o;
  for (size_t i = at >= 3 ? at - 3 : 0; i < std::min(s.size(), at + 4); ++i)
    o << (i == at ? " >" : " ") << s[i].first << "/" << s[i].second;
  return o.str();
}

void check(const std::vector<Step>& plan, const Recorder& r, const std::string& what) {
  BOOST_TEST(!r.nested, what << ": ops nested");
  BOOST_TEST(!r.unmatched, what << ": before/after unmatched");
  size_t i = 0;
  auto fused_pair_swapped =
      [&](size_t at) {  // one fused step naming its two plan ops the other way
        return r.fused[at] && at + 1 < plan.size() && at + 1 < r.steps.size() &&
               plan[at] == r.steps[at + 1] && plan[at + 1] == r.steps[at];
      };
  while (i < plan.size() && i < r.steps.size()) {
    if (plan[i] == r.steps[i]) {
      ++i;
    } else if (fused_pair_swapped(i)) {
      i += 2;
    } else {
      break;
    }
  }
  BOOST_TEST((i == plan.size() && i == r.steps.size()),
             what << ": executed and planned ops part at step " << i << " of " << plan.size()
                  << " planned, " << r.steps.size() << " executed; plan:" << show(plan, i)
                  << "; executed:" << show(r.steps, i));
}

// Prefill of 12 tokens for `batch` sequences, then one decode step of all of them; logits of the
// last row of each sequence in both, as generation runs (the plan's logits_last_only), and of every
// row in a full forward.
void check_model(const ModelConfig& c, const ModelWeights& w, Backend& be,
                 const std::string& name) {
  for (int64_t batch : {1, 2})
    for (LogitRows rows : {LogitRows::LastPerSequence, LogitRows::All}) {
      Model model(be, c, w);
      PagedKvCache cache(be, c, small_cache());
      std::vector<SequenceStep> pre, dec;
      for (int64_t b = 0; b < batch; ++b) {
        const int64_t s = cache.add_sequence();
        std::vector<int32_t> tokens(12);
        for (int32_t i = 0; i < 12; ++i)
          tokens[i] = static_cast<int32_t>((7 * i + 3 * b + 1) % c.vocab_size);
        pre.push_back({s, tokens});
        dec.push_back({s, {static_cast<int32_t>(5 + b)}});
      }
      Recorder rp, rd;
      model.set_observer(&rp);
      model.forward(cache, pre, rows);
      model.set_observer(&rd);
      model.forward(cache, dec, rows);
      PlanOptions o;
      o.batch = batch;
      o.logits_last_only = rows == LogitRows::LastPerSequence;
      o.phase = Phase::Prefill;
      o.tokens = 12;
      const std::string what = name + " batch " + std::to_string(batch) +
                               (o.logits_last_only ? " last rows" : " all rows");
      check(plan_steps(c, o), rp, what + " prefill");
      o.phase = Phase::Decode;
      o.tokens = 1;
      o.context = 12;
      check(plan_steps(c, o), rd, what + " decode");
    }
}

std::vector<std::string> mini_presets() {
  std::vector<std::string> out;
  for (const std::string& n : preset_names(ARCHSCOPE_PRESETS))
    if (n.size() > 5 && n.compare(n.size() - 5, 5, "-mini") == 0) out.push_back(n);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(op_sequence)

BOOST_DATA_TEST_CASE(hf_families_run_the_plan, boost::unit_test::data::make(kHfFixtureFamilies),
                     family) {
  const Fixture f = load_fixture(family);
  cpu::CpuBackend be(2);
  const ModelWeights w = load_hf_weights(be, f.config, fixture_dir(family), Elem::F32);
  check_model(f.config, w, be, family);
}

BOOST_AUTO_TEST_CASE(mini_presets_run_the_plan) {
  const std::vector<std::string> names = mini_presets();
  BOOST_TEST_REQUIRE(names.size() >= 15u);  // every family has one
  cpu::CpuBackend be(2);
  for (const std::string& name : names) {
    const ModelConfig c = load_preset(name, ARCHSCOPE_PRESETS);
    RandomInitOptions o;
    o.seed = 1;
    const ModelWeights w = random_weights(be, c, o);
    check_model(c, w, be, name);
  }
}

BOOST_AUTO_TEST_SUITE_END()
