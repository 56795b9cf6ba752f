// The forward pass names every executed op after the analytic plan: for each fixture family, in
// prefill and in decode, every (layer, op) the observer sees is an op of that layer in the plan
// of the same phase, every plan op is reported (alone or fused into another), and each before()
// is matched by an after() in order.
#define BOOST_TEST_DYN_LINK
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <set>

#include "parity_support.hpp"
#include "plan/plan.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

struct Recorder final : ForwardObserver {
  std::vector<OpEvent> events;
  int open = 0;
  bool nested = false, unmatched = false;
  std::string last_open;
  void before(Stream&, const OpEvent& e) override {
    nested = nested || open > 0;
    ++open;
    last_open = e.op;
    events.push_back(e);
  }
  void after(Stream&, const OpEvent& e) override {
    unmatched = unmatched || open != 1 || last_open != e.op;
    --open;
  }
};

// Names per layer index (-1 prologue, n_layers epilogue).
std::map<int64_t, std::set<std::string>> plan_names(const ModelConfig& c, Phase phase, int64_t tokens) {
  PlanOptions o;
  o.phase = phase;
  o.tokens = tokens;
  o.context = phase == Phase::Decode ? tokens : 0;
  const Plan p = build_plan(c, o);
  std::map<int64_t, std::set<std::string>> names;
  for (const Op& op : p.prologue) names[-1].insert(op.name);
  for (size_t i = 0; i < p.layers.size(); ++i)
    for (const Op& op : p.layers[i].ops) names[static_cast<int64_t>(i)].insert(op.name);
  for (const Op& op : p.epilogue) names[c.n_layers].insert(op.name);
  return names;
}

void check(const std::map<int64_t, std::set<std::string>>& plan, const Recorder& r, const std::string& what) {
  BOOST_TEST(!r.nested, what << ": ops nested");
  BOOST_TEST(!r.unmatched, what << ": before/after unmatched");
  std::map<int64_t, std::set<std::string>> seen;
  for (const OpEvent& e : r.events) {
    const auto it = plan.find(e.layer);
    BOOST_TEST_REQUIRE((it != plan.end()), what << ": layer " << e.layer << " not in the plan");
    BOOST_TEST(it->second.count(e.op) == 1u, what << ": layer " << e.layer << " op " << e.op << " not in the plan");
    seen[e.layer].insert(e.op);
    if (e.also) {
      BOOST_TEST(it->second.count(e.also) == 1u, what << ": layer " << e.layer << " op " << e.also << " not in the plan");
      seen[e.layer].insert(e.also);
    }
  }
  for (const auto& [layer, names] : plan)
    for (const std::string& n : names) BOOST_TEST(seen[layer].count(n) == 1u, what << ": plan op " << layer << "/" << n << " never ran");
}

const char* const kFamilies[] = {"llama",      "mistral",     "mixtral", "qwen3",       "qwen3_moe",
                                 "qwen3_next", "gemma3_text", "olmo2",   "deepseek_v3", "gpt_oss",
                                 "smollm3",    "glm4_moe",    "llama4_text"};

}  // namespace

BOOST_AUTO_TEST_SUITE(op_names)

BOOST_DATA_TEST_CASE(forward_ops_are_plan_ops, boost::unit_test::data::make(kFamilies), family) {
  const Fixture f = load_fixture(family);
  cpu::CpuBackend be(2);
  const ModelWeights w = load_hf_weights(be, f.config, fixture_dir(family), Elem::F32);
  Model model(be, f.config, w);
  PagedKvCache cache(be, f.config, small_cache());
  const int64_t s = cache.add_sequence();
  Recorder pre, dec;
  model.set_observer(&pre);
  model.forward(cache, {{s, std::vector<int32_t>(f.tokens.begin(), f.tokens.begin() + 12)}});
  model.set_observer(&dec);
  model.forward(cache, {{s, {f.tokens[12]}}});
  check(plan_names(f.config, Phase::Prefill, 12), pre, std::string(family) + " prefill");
  check(plan_names(f.config, Phase::Decode, 12), dec, std::string(family) + " decode");
}

BOOST_AUTO_TEST_SUITE_END()
