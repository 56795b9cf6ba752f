// Each mini keeps its family's structure: compared field by field with the family's full-size
// preset(s), so that shrinking widths never changes which code paths a mini exercises.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "preset_test_util.hpp"

using namespace archscope;
using namespace archscope::test;

namespace {

// The shortest prefix that, repeated, gives the per-layer sequence: the family's "order pattern"
// independent of how many layers a model has (gemma3: 5 sliding then 1 full).
template <class T>
std::vector<T> period_of(const std::vector<T>& seq) {
  for (size_t p = 1; p <= seq.size(); ++p) {
    bool ok = true;
    for (size_t i = p; i < seq.size() && ok; ++i) ok = seq[i] == seq[i % p];
    if (ok) return {seq.begin(), seq.begin() + static_cast<std::ptrdiff_t>(p)};
  }
  return seq;
}

struct Layout {
  std::vector<AttentionKind> attention;
  std::vector<PositionKind> position;
};

// The repeating unit of the per-layer attention and position kinds.
Layout layout(const ModelConfig& c) {
  Layout l;
  for (const LayerSpec& s : expand_layers(c)) {
    l.attention.push_back(s.attention);
    l.position.push_back(s.position);
  }
  return {period_of(l.attention), period_of(l.position)};
}

template <class T>
std::string names(const std::vector<T>& v) {
  std::string s;
  for (const T& x : v) s += std::string(s.empty() ? "" : ",") + to_string(x);
  return s;
}

// Every structural difference between a mini and a full-size preset, as readable lines.
std::vector<std::string> structure_differences(const ModelConfig& mini, const ModelConfig& full) {
  std::vector<std::string> diffs;
  auto same = [&](bool equal, const std::string& what, const std::string& m, const std::string& f) {
    if (!equal) diffs.push_back(what + ": mini " + m + ", full " + f);
  };
  auto same_b = [&](bool m, bool f, const std::string& what) {
    same(m == f, what, m ? "yes" : "no", f ? "yes" : "no");
  };
  auto same_e = [&](auto m, auto f, const std::string& what) {
    same(m == f, what, to_string(m), to_string(f));
  };
  auto same_d = [&](double m, double f, const std::string& what) {
    same(m == f, what, std::to_string(m), std::to_string(f));
  };

  const Layout lm = layout(mini), lf = layout(full);
  same(lm.attention == lf.attention, "attention order pattern", names(lm.attention),
       names(lf.attention));
  same(lm.position == lf.position, "position order pattern", names(lm.position),
       names(lf.position));

  same_b(mini.tied_embeddings, full.tied_embeddings, "tied_embeddings");
  same_b(mini.embedding_scale != 1.0, full.embedding_scale != 1.0, "embedding_scale used");
  same_b(mini.logit_scale != 1.0, full.logit_scale != 1.0, "logit_scale used");
  same_b(mini.final_softcap > 0, full.final_softcap > 0, "final_softcap used");
  same_b(mini.mtp_layers > 0, full.mtp_layers > 0, "mtp layers present");

  same_e(mini.norm.kind, full.norm.kind, "norm.kind");
  same_e(mini.norm.placement, full.norm.placement, "norm.placement");
  same_d(mini.norm.eps, full.norm.eps, "norm.eps");
  same_b(mini.norm.bias, full.norm.bias, "norm.bias");

  const AttentionConfig &am = mini.attention, &af = full.attention;
  same_e(am.qk_norm, af.qk_norm, "attention.qk_norm");
  same_b(am.qk_norm_rope_layers_only, af.qk_norm_rope_layers_only,
         "attention.qk_norm_rope_layers_only");
  same_b(am.qkv_bias, af.qkv_bias, "attention.qkv_bias");
  same_b(am.out_bias, af.out_bias, "attention.out_bias");
  same_b(am.sinks, af.sinks, "attention.sinks");
  same_b(am.output_gate, af.output_gate, "attention.output_gate");
  same_b(am.softcap > 0, af.softcap > 0, "attention.softcap used");
  same_b(am.scale > 0, af.scale > 0, "attention.scale set (not 1/sqrt(head_dim))");
  same_b(am.heads == am.kv_heads, af.heads == af.kv_heads, "multi-head (kv_heads == heads)");
  same_b(am.kv_heads == 1, af.kv_heads == 1, "multi-query (kv_heads == 1)");
  same_b(am.mla.q_lora_rank > 0, af.mla.q_lora_rank > 0, "attention.mla.q_lora_rank used");
  same_b(am.temperature_tuning.enabled, af.temperature_tuning.enabled,
         "attention.temperature_tuning.enabled");

  const PositionConfig &pm = mini.position, &pf = full.position;
  same_e(pm.rope.scaling.kind, pf.rope.scaling.kind, "position.rope.scaling.kind");
  same_d(pm.rope.partial_rotary, pf.rope.partial_rotary, "position.rope.partial_rotary");
  same_b(pm.rope.interleaved, pf.rope.interleaved, "position.rope.interleaved");
  same_b(pm.rope.scaling.truncate, pf.rope.scaling.truncate, "position.rope.scaling.truncate");
  same_b(pm.rope_local.has_value(), pf.rope_local.has_value(), "position.rope_local present");
  if (pm.rope_local && pf.rope_local) {
    same_e(pm.rope_local->scaling.kind, pf.rope_local->scaling.kind,
           "position.rope_local.scaling.kind");
  }

  same_e(mini.ffn.kind, full.ffn.kind, "ffn.kind");
  same_b(mini.ffn.bias, full.ffn.bias, "ffn.bias");
  if (full.ffn.kind == FfnKind::Gelu || full.ffn.kind == FfnKind::GeGlu) {
    same_b(mini.ffn.gelu_tanh, full.ffn.gelu_tanh, "ffn.gelu_tanh");
  }

  const MoeConfig &mm = mini.moe, &mf = full.moe;
  same_b(mm.experts > 0, mf.experts > 0, "moe used");
  if (mm.experts > 0 && mf.experts > 0) {
    same_e(mm.scoring, mf.scoring, "moe.scoring");
    same_b(mm.selection_bias, mf.selection_bias, "moe.selection_bias");
    same_b(mm.renormalize, mf.renormalize, "moe.renormalize");
    same_b(mm.groups > 1, mf.groups > 1, "moe.groups > 1");
    same_b(mm.top_k == 1, mf.top_k == 1, "moe.top_k == 1");
    same_b(mm.shared_experts > 0, mf.shared_experts > 0, "moe.shared_experts used");
    same_b(mm.shared_gate, mf.shared_gate, "moe.shared_gate");
    same_b(mm.routed_scaling != 1.0, mf.routed_scaling != 1.0, "moe.routed_scaling used");
    same_b(mm.router_bias, mf.router_bias, "moe.router_bias");
    same_b(mm.expert_bias, mf.expert_bias, "moe.expert_bias");
    same_b(mm.weight_input, mf.weight_input, "moe.weight_input");
    same_b(mm.first_dense > 0, mf.first_dense > 0, "moe.first_dense used");
    same(mm.interleave == mf.interleave, "moe.interleave", std::to_string(mm.interleave),
         std::to_string(mf.interleave));
  }
  return diffs;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mini_structure)

// The full-size preset each mini was derived from (its "source"). Sizes within a family differ in
// a few structural choices (Qwen3-0.6B ties its embeddings, Qwen3-8B does not; GLM-4.5-Air drops
// qk-norm; Llama 4 Maverick interleaves dense layers), so each mini follows one named model.
const std::map<std::string, std::string> kReference = {
    {"deepseek-v3-mini", "deepseek-v3"},     {"kimi-k2-mini", "kimi-k2"},
    {"olmo2-mini", "olmo2-7b"},              {"gemma3-mini", "gemma3-27b"},
    {"mistral-mini", "mistral-small-3.1-24b"}, {"llama4-mini", "llama4-scout"},
    {"qwen3-mini", "qwen3-8b"},              {"qwen3-moe-mini", "qwen3-30b-a3b"},
    {"qwen3-next-mini", "qwen3-next-80b-a3b"}, {"smollm3-mini", "smollm3-3b"},
    {"gpt-oss-mini", "gpt-oss-20b"},         {"glm4.5-mini", "glm-4.5"},
    {"llama3-mini", "llama3.2-1b"},           {"mixtral-mini", "mixtral-8x7b"},
    {"grok2-mini", "grok-2.5"},              {"gpt2-mini", "gpt2-small"},
};

BOOST_AUTO_TEST_CASE(every_mini_matches_its_full_size_model) {
  const auto names = preset_names(presets_dir());
  for (const std::string& mini_name : names) {
    if (!is_mini(mini_name)) continue;
    BOOST_TEST_CONTEXT(mini_name) {
      const auto ref = kReference.find(mini_name);
      BOOST_TEST_REQUIRE((ref != kReference.end()), "no reference model listed for " << mini_name);
      if (std::find(names.begin(), names.end(), ref->second) == names.end()) {
        BOOST_ERROR("full-size preset " << ref->second << " is missing");
        continue;
      }
      // One broken preset is reported without hiding the comparisons of the others.
      try {
        const ModelConfig mini = load_preset(mini_name, presets_dir());
        const ModelConfig full = load_preset(ref->second, presets_dir());
        BOOST_TEST(mini.family == full.family);
        BOOST_TEST_CONTEXT("against " << ref->second) {
          for (const std::string& d : structure_differences(mini, full)) BOOST_ERROR(d);
        }
      } catch (const Error& e) {
        BOOST_ERROR(e.what());
      }
    }
  }
}

// The comparison itself must notice a change, or the test above could never fail.
BOOST_AUTO_TEST_CASE(comparison_detects_changes) {
  const ModelConfig base = load_preset("gemma3-mini", presets_dir());
  BOOST_TEST(structure_differences(base, base).empty());

  ModelConfig c = base;
  c.attention.pattern = {AttentionKind::Sliding, AttentionKind::Full};
  BOOST_TEST(structure_differences(c, base).size() == 1u);

  c = base;
  c.norm.placement = NormPlacement::Pre;
  BOOST_TEST(structure_differences(c, base).size() == 1u);

  c = base;
  c.position.rope_local.reset();
  BOOST_TEST(structure_differences(c, base).size() == 1u);

  const ModelConfig ds = load_preset("deepseek-v3-mini", presets_dir());
  c = ds;
  c.moe.selection_bias = false;
  c.moe.scoring = RouterScoring::Softmax;
  BOOST_TEST(structure_differences(c, ds).size() == 2u);
}

BOOST_AUTO_TEST_CASE(period_of_finds_the_repeating_unit) {
  using A = AttentionKind;
  std::vector<A> gemma;
  for (int i = 0; i < 62; ++i) gemma.push_back(i % 6 == 5 ? A::Full : A::Sliding);
  BOOST_TEST(period_of(gemma).size() == 6u);
  BOOST_TEST(period_of(std::vector<A>(7, A::Mla)).size() == 1u);
  BOOST_TEST(period_of(std::vector<A>{A::Full, A::Sliding, A::Sliding}).size() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
