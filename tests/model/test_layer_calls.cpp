// No host round trip inside a layer, and no op per token: a counting Backend attributes every
// call to the (layer, plan op) the observer says is running. For MoE and MLA families, the calls
// of each op in each layer are the same for 1 token, 37 tokens and a ragged batch of 3 sequences
// (apart from the per-sequence ones: cache writes, attention, the linear-attention recurrences,
// which are issued once per sequence), in prefill of fresh sequences and in decode / chunked
// prefill of cached ones; and no layer (nor the gaps between layers' ops) uploads, downloads or
// synchronises. The router's selection reaches the observer after its layer, as a device tensor.
#define BOOST_TEST_DYN_LINK
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <set>

#include "counting_backend.hpp"
#include "parity_support.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

// Calls issued once per sequence of the step, not once per step.
const std::set<std::string> kPerSequence = {"kv_store", "attention", "conv1d_causal",
                                            "gated_delta"};
const std::set<std::string> kHostTraffic = {"upload", "download", "synchronize"};

using LayerCalls = std::map<int64_t, std::map<std::string, CallCounts>>;  // layer -> op -> calls

struct Attribution final : ForwardObserver {
  Attribution(CountingBackend& b, int64_t layers) : be(b), n_layers(layers) {
    be.count_into(&outside);
  }
  ~Attribution() override { be.count_into(nullptr); }

  void before(Stream&, const OpEvent& e) override {
    in_layers = e.layer >= 0 && e.layer < n_layers;
    last_layer = e.layer;
    be.count_into(&calls[e.layer][e.op]);
  }
  void after(Stream&, const OpEvent&) override {
    be.count_into(in_layers ? &between_ops : &outside);
  }
  void routed(Stream&, int64_t layer, const Tensor& ids) override {
    routed_ok = routed_ok && layer == last_layer;  // after the layer's ops, before the next layer's
    selections[layer] = ids;
  }

  CountingBackend& be;
  int64_t n_layers;
  LayerCalls calls;
  CallCounts between_ops, outside;
  bool in_layers = false, routed_ok = true;
  int64_t last_layer = -1;
  std::map<int64_t, Tensor> selections;
};

struct Scenario {
  std::string name;
  std::vector<int64_t> cached;  // tokens already in the cache per sequence (0: fresh)
  std::vector<int64_t> step;    // tokens of the measured step per sequence
};

struct Measured {
  LayerCalls calls;
  int64_t sequences = 0;
};

Measured measure(const Fixture& f, const ModelWeights& w, cpu::CpuBackend& cpu,
                 const Scenario& sc) {
  CountingBackend be(cpu);
  // Unfused (`--kernel fuse=off`): a one-row step runs q|k|v as one linear and rope(q, k) as one
  // call, fewer than a longer step; calls per op are compared here, fusion in test_fusion.cpp.
  be.set_fuse(false);
  Model model(be, f.config, w);
  PagedKvCache cache(be, f.config, small_cache());
  std::vector<int64_t> seqs;
  std::vector<SequenceStep> warm, step;
  for (size_t i = 0; i < sc.step.size(); ++i) {
    seqs.push_back(cache.add_sequence());
    const auto at = f.tokens.begin() + static_cast<int64_t>(3 * i);  // distinct prompts
    if (sc.cached[i] > 0) warm.push_back({seqs[i], std::vector<int32_t>(at, at + sc.cached[i])});
    step.push_back(
        {seqs[i], std::vector<int32_t>(at + sc.cached[i], at + sc.cached[i] + sc.step[i])});
  }
  if (!warm.empty()) model.forward(cache, warm);
  Attribution obs(be, f.config.n_layers);
  model.set_observer(&obs);
  model.forward(cache, step);
  model.set_observer(nullptr);

  BOOST_TEST_CONTEXT(f.config.name << " " << sc.name) {
    for (const auto& [layer, ops] : obs.calls) {
      if (layer < 0 || layer >= f.config.n_layers) continue;
      for (const auto& [op, calls] : ops)
        for (const std::string& h : kHostTraffic)
          BOOST_TEST(calls.count(h) == 0u, "layer " << layer << " op " << op << ": " << h);
    }
    for (const std::string& h : kHostTraffic)
      BOOST_TEST(obs.between_ops.count(h) == 0u, "between ops: " << h);
    BOOST_TEST(obs.routed_ok);
    int64_t rows = 0;
    for (int64_t n : sc.step) rows += n;
    int64_t moe_layers = 0;
    for (const LayerSpec& s : expand_layers(f.config)) {
      if (!s.moe) continue;
      ++moe_layers;
      const auto it = obs.selections.find(s.index);
      BOOST_TEST_REQUIRE((it != obs.selections.end()), "no selection for MoE layer " << s.index);
      BOOST_TEST((it->second.shape() == Shape{rows, f.config.moe.top_k}));
      std::vector<int32_t> ids(static_cast<size_t>(it->second.numel()));
      cpu.download(cpu.default_stream(), it->second, ids.data());
      cpu.synchronize(cpu.default_stream());
      for (int32_t id : ids) BOOST_TEST((id >= 0 && id < f.config.moe.experts));
    }
    BOOST_TEST(static_cast<int64_t>(obs.selections.size()) == moe_layers);
  }
  return {obs.calls, static_cast<int64_t>(sc.step.size())};
}

// a and b agree on every (layer, op, call): equal counts, per-sequence calls per sequence.
void same_calls(const Fixture& f, const Measured& a, const Measured& b, const std::string& what,
                const std::set<std::string>& skip_ops) {
  BOOST_TEST_CONTEXT(f.config.name << " " << what) {
    for (int64_t layer = 0; layer < f.config.n_layers; ++layer) {
      const auto ia = a.calls.find(layer), ib = b.calls.find(layer);
      BOOST_TEST_REQUIRE((ia != a.calls.end() && ib != b.calls.end()),
                         "layer " << layer << " not seen");
      std::set<std::string> ops;
      for (const auto& [op, c] : ia->second) ops.insert(op);
      for (const auto& [op, c] : ib->second) ops.insert(op);
      for (const std::string& op : ops) {
        if (skip_ops.count(op)) continue;
        const CallCounts ca = ia->second.count(op) ? ia->second.at(op) : CallCounts{};
        const CallCounts cb = ib->second.count(op) ? ib->second.at(op) : CallCounts{};
        std::set<std::string> names;
        for (const auto& [n, k] : ca) names.insert(n);
        for (const auto& [n, k] : cb) names.insert(n);
        for (const std::string& n : names) {
          const int64_t x = ca.count(n) ? ca.at(n) : 0, y = cb.count(n) ? cb.at(n) : 0;
          if (n == "kv_store" && op == "kv_cache_write")
            // Once per sequence, or twice for a first step longer than a sliding window or
            // chunk (staged keys for the step, and the tail the pool keeps): never per token.
            BOOST_TEST((x >= a.sequences && x <= 2 * a.sequences && y >= b.sequences &&
                        y <= 2 * b.sequences),
                       "layer " << layer << " " << op << ": " << n << " " << x << " for "
                                << a.sequences << " sequences, " << y << " for " << b.sequences);
          else if (n == "fill" && op == "kv_cache_write")
            // The staged keys' one-block table, filled on the device once per step on first use.
            BOOST_TEST((x <= 1 && y <= 1),
                       "layer " << layer << " " << op << ": fill " << x << " vs " << y);
          else if (kPerSequence.count(n))
            BOOST_TEST(x * b.sequences == y * a.sequences,
                       "layer " << layer << " " << op << ": " << n << " " << x << " for "
                                << a.sequences << " sequences, " << y << " for " << b.sequences);
          else
            BOOST_TEST(x == y,
                       "layer " << layer << " " << op << ": " << n << " " << x << " vs " << y);
        }
      }
    }
  }
}

const char* const kFamilies[] = {"deepseek_v3", "qwen3_moe",  "mixtral",    "gpt_oss",
                                 "glm4_moe",    "qwen3_next", "llama4_text"};

}  // namespace

BOOST_AUTO_TEST_SUITE(layer_calls)

BOOST_DATA_TEST_CASE(calls_per_layer_do_not_grow_with_tokens,
                     boost::unit_test::data::make(kFamilies), family) {
  const Fixture f = load_fixture(family);
  cpu::CpuBackend be(2);
  const ModelWeights w = load_hf_weights(be, f.config, fixture_dir(family), Elem::F32);
  // Llama 4 scales each NoPE layer's query rows by a per-position temperature, one scale call per
  // token inside attn_scores (forward_attention.cpp); that op is left out until it is batched.
  const std::set<std::string> skip = std::string(family) == "llama4_text"
                                         ? std::set<std::string>{"attn_scores"}
                                         : std::set<std::string>{};
  // Fresh sequences (MLA: naive form).
  const Measured p1 = measure(f, w, be, {"prefill 1", {0}, {1}});
  const Measured p37 = measure(f, w, be, {"prefill 37", {0}, {37}});
  const Measured p3 = measure(f, w, be, {"prefill 5+17+11", {0, 0, 0}, {5, 17, 11}});
  same_calls(f, p1, p37, "prefill 1 vs 37", skip);
  same_calls(f, p1, p3, "prefill 1 vs 3 ragged", skip);
  // Cached sequences (MLA: absorbed form): decode and chunked prefill.
  const Measured d1 = measure(f, w, be, {"decode 1", {8}, {1}});
  const Measured d3 = measure(f, w, be, {"decode 3", {8, 13, 3}, {1, 1, 1}});
  const Measured c27 = measure(f, w, be, {"chunk 27", {10}, {27}});
  const Measured c3 = measure(f, w, be, {"chunks 4+19+2", {6, 2, 11}, {4, 19, 2}});
  same_calls(f, d1, d3, "decode 1 vs 3", skip);
  same_calls(f, d1, c27, "decode vs chunk of 27", skip);
  same_calls(f, d1, c3, "decode vs 3 ragged chunks", skip);
}

BOOST_AUTO_TEST_SUITE_END()
