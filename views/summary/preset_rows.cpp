#include "summary/preset_rows.hpp"

#include <algorithm>
#include <fstream>
#include <map>

#include "common/error.hpp"
#include "config/config_json.hpp"
#include "hf/hf_import.hpp"
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

namespace {
// The figures every row shows, from the configuration's own analysis.
void fill_figures(PresetRow& row, const ModelConfig& c) {
  row.family = c.family;
  AnalysisOptions o;
  o.context = 1;  // parameters do not depend on the context; KV per token is separate
  const Analysis a = summarize(c, o);
  row.params_total = a.params.total;
  row.params_active = a.params.active;
  row.kv_bytes_per_token = a.kv.bytes_per_token;
  row.description = describe_architecture(c);
}
}  // namespace

std::string readme_title(const std::filesystem::path& readme, const std::string& name) {
  std::ifstream in(readme);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line.rfind("# ", 0) != 0) return "";  // the first line with text is not a title
    std::string title = line.substr(2);
    if (title.rfind(name + ":", 0) == 0) title = title.substr(name.size() + 1);
    const size_t first = title.find_first_not_of(' ');
    return first == std::string::npos ? "" : title.substr(first);
  }
  return "";
}

std::vector<PresetRow> load_model_rows(const std::filesystem::path& dir) {
  std::vector<PresetRow> rows;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return rows;
  std::vector<std::filesystem::path> folders;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto& p = entry.path();
    if (entry.is_directory(ec) && std::filesystem::is_regular_file(p / "config.json", ec) &&
        std::filesystem::is_regular_file(p / "model.safetensors", ec))
      folders.push_back(p);
  }
  std::sort(folders.begin(), folders.end());
  for (const auto& folder : folders) {
    PresetRow row;
    row.name = folder.filename().string();
    row.path = folder / "config.json";
    row.trained = true;
    row.source = (folder / "README.md").string();
    try {
      ModelConfig c = import_hf_config_file(row.path);
      fill_figures(row, c);
      const std::string what =
          c.moe.experts > 0 ? "Run a real trained MoE" : "Run a real trained model";
      const std::string title = readme_title(folder / "README.md", row.name);
      row.description = what + (title.empty() ? "" : ": " + title) + " · " + row.description;
    } catch (const Error& e) {
      row.error = e.what();
    }
    rows.push_back(std::move(row));
  }
  return rows;
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
      row.source = c.source;
      fill_figures(row, c);
    } catch (const Error& e) {
      row.error = e.what();
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace archscope::summary
