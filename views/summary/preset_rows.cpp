#include "summary/preset_rows.hpp"

#include <algorithm>
#include <map>

#include "common/error.hpp"
#include "config/config_json.hpp"
#include "plan/analysis.hpp"
#include "presets/named_files.hpp"
#include "report/text_format.hpp"

namespace archscope::summary {

namespace {
std::string g(int64_t v) {
  return text::grouped(static_cast<uint64_t>(std::max<int64_t>(v, 0)));
}

std::string context_text(int64_t tokens) {
  if (tokens >= 1024 && tokens % 1024 == 0) return std::to_string(tokens / 1024) + "k";
  return g(tokens);
}
}  // namespace

std::string describe_architecture(const ModelConfig& c) {
  std::map<AttentionKind, int64_t> kinds;
  for (const LayerSpec& l : expand_layers(c)) ++kinds[l.attention];
  std::string attention;
  for (const auto& [kind, n] : kinds) {
    if (!attention.empty()) attention += " + ";
    std::string name = to_string(kind);
    if (kind == AttentionKind::Full)
      name = c.attention.kv_heads == c.attention.heads ? "MHA"
             : c.attention.kv_heads == 1               ? "MQA"
                                                       : "GQA";
    if (kind == AttentionKind::Mla) name = "MLA";
    if (kind == AttentionKind::Linear) name = "linear";
    attention += kinds.size() > 1 ? std::to_string(n) + " " + name : name;
  }
  std::string s;
  if (c.moe.experts > 0) {
    s = "MoE " + g(c.moe.experts) + " × top-" + g(c.moe.top_k);
    if (c.moe.shared_experts > 0) s += " + " + g(c.moe.shared_experts) + " shared";
  } else {
    s = "dense";
  }
  s += " · " + attention + " · " + g(c.n_layers) + " layers · d_model " + g(c.d_model);
  if (c.max_context > 0) s += " · " + context_text(c.max_context) + " context";
  return s;
}

std::vector<PresetRow> load_preset_rows(const std::filesystem::path& dir, bool user) {
  std::vector<PresetRow> rows;
  std::vector<std::string> names;
  try {
    names = json_stems(dir);
  } catch (const Error&) {
    return rows;  // a user folder that does not exist yet has no presets
  }
  for (const std::string& name : names) {
    PresetRow row;
    row.name = name;
    row.path = dir / (name + ".json");
    row.user = user;
    try {
      const ModelConfig c = load_config_file(row.path);
      row.family = c.family;
      row.source = c.source;
      AnalysisOptions o;
      o.context = 1;  // parameters do not depend on the context; KV per token is separate
      const Analysis a = summarize(c, o);
      row.params_total = a.params.total;
      row.params_active = a.params.active;
      row.kv_bytes_per_token = a.kv.bytes_per_token;
      row.description = describe_architecture(c);
    } catch (const Error& e) {
      row.error = e.what();
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace archscope::summary
