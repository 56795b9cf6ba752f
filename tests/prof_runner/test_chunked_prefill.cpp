// A chunked prefill (RunOptions::prefill_chunk): the prompt goes through the engine in pieces,
// each a recorded prefill step that continues the cache. On every mini preset (every attention
// kind: full, sliding, chunked, MLA, linear, sinks) each executed op is priced by the plan of its
// chunk (StepCosts throws when the plan lacks an op the engine ran), the per-layer work adds up
// to the unchunked prefill's (matmul FLOPs scale with rows; attention pairs are a sum over
// positions, so the chunks' pairs sum to the whole causal triangle), and the decode that follows
// sees the same cache.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <map>
#include <string>

#include "presets/preset_catalog.hpp"
#include "run_support.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

// FLOPs of the prefill's spans inside the transformer layers, by kind (the epilogue runs per
// chunk, so it is left out).
std::map<std::string, uint64_t> layer_flops(const prof::RunData& d, int64_t n_layers) {
  std::map<std::string, uint64_t> out;
  for (const prof::SpanRecord& s : d.spans)
    if (s.phase == prof::Phase::Prefill && s.layer >= 0 && s.layer < n_layers)
      out[s.kind] += s.flops;
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(chunked_prefill)

BOOST_AUTO_TEST_CASE(every_mini_preset_prefills_in_chunks_as_planned) {
  int seen = 0;
  for (const PresetInfo& p : list_presets(ARCHSCOPE_PRESETS)) {
    if (p.name.size() < 5 || p.name.compare(p.name.size() - 5, 5, "-mini") != 0) continue;
    ++seen;
    BOOST_TEST_CONTEXT(p.name) {
      const ModelConfig c = mini(p.name);
      prof::RunOptions whole = small_options();  // prompt 14, 5 new tokens, batch 2
      prof::RunOptions pieces = whole;
      pieces.prefill_chunk = 5;  // 5 + 5 + 4
      const CollectedRun a = collect_run(c, whole);
      const CollectedRun b = collect_run(c, pieces);
      BOOST_TEST_REQUIRE((b.result.data.run.status == prof::RunStatus::Complete));
      const auto& steps = b.result.data.steps;
      BOOST_TEST_REQUIRE(steps.size() == 3u + 5u);
      const int64_t tokens[] = {10, 10, 8};  // batch 2
      for (size_t i = 0; i < 3; ++i) {
        BOOST_TEST((steps[i].phase == prof::Phase::Prefill));
        BOOST_TEST(steps[i].tokens == tokens[i]);
      }
      BOOST_TEST(steps[2].context_tokens == 14);
      BOOST_TEST(b.result.summary.prefill_steps == 3);
      BOOST_TEST(b.result.summary.prefill_tokens == 28);
      BOOST_TEST(b.result.summary.passes == 1);
      // MLA runs another form for a chunk that continues cached latents (absorbed, as in decode),
      // so only its other layers' work must match.
      bool mla = false;
      for (const LayerSpec& l : expand_layers(c)) mla = mla || l.attention == AttentionKind::Mla;
      if (!mla)
        BOOST_TEST(
            (layer_flops(a.result.data, c.n_layers) == layer_flops(b.result.data, c.n_layers)));
      // The first decode step sees the cache of the whole prompt either way.
      const auto& da = a.result.data.steps[1];
      const auto& db = steps[3];
      BOOST_TEST(da.context_tokens == db.context_tokens);
      BOOST_TEST(da.kv_used_bytes == db.kv_used_bytes);
    }
  }
  BOOST_TEST(seen >= 13);
}

BOOST_AUTO_TEST_SUITE_END()
