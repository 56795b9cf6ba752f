#include "explain/explain_figures.hpp"

#include <functional>
#include <map>

#include "common/error.hpp"
#include "explain/explain_format.hpp"
#include "explain/figures_topics.hpp"

namespace archscope::explain {

namespace {

using Builder = std::function<void(Variables&, const Analysis&, const ExplainParams&)>;

const std::vector<std::pair<std::string, Builder>>& builders() {
  using namespace detail;
  static const std::vector<std::pair<std::string, Builder>> table = {
      {"attention-heads",
       [](Variables& v, const Analysis& a, const ExplainParams&) { attention_heads(v, a); }},
      {"sliding-window",
       [](Variables& v, const Analysis& a, const ExplainParams&) { sliding_window(v, a); }},
      {"kv-cache", [](Variables& v, const Analysis& a, const ExplainParams&) { kv_cache(v, a); }},
      {"rope", [](Variables& v, const Analysis& a, const ExplainParams&) { rope(v, a); }},
      {"norms", [](Variables& v, const Analysis& a, const ExplainParams&) { norms(v, a); }},
      {"glu", [](Variables& v, const Analysis& a, const ExplainParams&) { glu(v, a); }},
      {"moe-routing",
       [](Variables& v, const Analysis& a, const ExplainParams&) { moe_routing(v, a); }},
      {"shared-experts",
       [](Variables& v, const Analysis& a, const ExplainParams&) { shared_experts(v, a); }},
      {"quantization",
       [](Variables& v, const Analysis& a, const ExplainParams&) { quantization(v, a); }},
      {"weight-tying",
       [](Variables& v, const Analysis& a, const ExplainParams&) { weight_tying(v, a); }},
      {"flash-attention",
       [](Variables& v, const Analysis& a, const ExplainParams&) { flash_attention(v, a); }},
      {"speculative-decoding",
       [](Variables& v, const Analysis& a, const ExplainParams&) { speculative_decoding(v, a); }},
      {"batching", [](Variables& v, const Analysis& a, const ExplainParams&) { batching(v, a); }},
      {"lora", [](Variables& v, const Analysis& a, const ExplainParams& p) { lora(v, a, p); }},
      {"pruning", [](Variables& v, const Analysis& a, const ExplainParams&) { pruning(v, a); }},
      {"early-exit",
       [](Variables& v, const Analysis& a, const ExplainParams&) { early_exit(v, a); }},
  };
  return table;
}

}  // namespace

const std::vector<std::string>& topic_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> out;
    for (const auto& [id, b] : builders()) out.push_back(id);
    return out;
  }();
  return ids;
}

Variables topic_variables(const std::string& topic, const Analysis& a,
                          const ExplainParams& params) {
  for (const auto& [id, build] : builders()) {
    if (id != topic) continue;
    Variables v;
    detail::add_common(v, a);
    build(v, a, params);
    return v;
  }
  throw Error(ErrorKind::NotFound, topic, "no such explain topic");
}

std::string topic_for_field(const std::string& path) {
  static const std::vector<std::pair<std::string, std::string>> prefixes = {
      {"attention.mla", "attention-heads"},
      {"attention.heads", "attention-heads"},
      {"attention.kv_heads", "attention-heads"},
      {"attention.head_dim", "attention-heads"},
      {"attention.pattern", "sliding-window"},
      {"attention.sliding_window", "sliding-window"},
      {"attention.chunk_size", "sliding-window"},
      {"attention.linear", "kv-cache"},
      {"attention.qk_norm", "norms"},
      {"attention.temperature_tuning", "rope"},
      {"attention.", "attention-heads"},
      {"position.", "rope"},
      {"norm.", "norms"},
      {"ffn.", "glu"},
      {"moe.shared", "shared-experts"},
      {"moe.selection_bias", "shared-experts"},
      {"moe.", "moe-routing"},
      {"tied_embeddings", "weight-tying"},
      {"vocab_size", "weight-tying"},
      {"embedding_scale", "weight-tying"},
      {"n_layers", "pruning"},
      {"max_context", "rope"},
      {"d_model", "glu"},
      {"mtp_layers", "speculative-decoding"},
  };
  for (const auto& [prefix, topic] : prefixes)
    if (path.rfind(prefix, 0) == 0) return topic;
  return "";
}

std::string topic_for_block(const std::string& block_kind, AttentionKind attention, bool moe) {
  if (block_kind == "embedding" || block_kind == "head") return "weight-tying";
  if (moe) return "moe-routing";
  if (attention == AttentionKind::Sliding || attention == AttentionKind::Chunked)
    return "sliding-window";
  if (attention == AttentionKind::Linear) return "kv-cache";
  return "attention-heads";
}

}  // namespace archscope::explain
