#include "report/config_diff.hpp"

#include <sstream>

#include "config/config_json.hpp"
#include "report/text_format.hpp"

namespace archscope {

namespace {

// Walks both trees together. A sub-object one side omits (the saver leaves out sub-objects that
// are entirely default, e.g. "moe" of a dense model) is one row, "(default)" against its JSON.
void diff_tree(const nlohmann::json* a, const nlohmann::json* b, const std::string& path,
               std::vector<ConfigFieldRow>& rows) {
  if (a && b && a->is_object() && b->is_object()) {
    for (const auto& [key, value] : a->items()) {
      const auto it = b->find(key);
      diff_tree(&value, it == b->end() ? nullptr : &*it, path.empty() ? key : path + "." + key,
                rows);
    }
    for (const auto& [key, value] : b->items()) {
      if (!a->contains(key))
        diff_tree(nullptr, &value, path.empty() ? key : path + "." + key, rows);
    }
    return;
  }
  ConfigFieldRow row{path, a ? a->dump() : "(default)", b ? b->dump() : "(default)", false};
  row.differs = row.a != row.b;
  rows.push_back(std::move(row));
}

// Long values (sources, explicit per-layer patterns) are cut for the terminal; --json has them
// whole. Integers are grouped as analyze prints counts ("8,192"); other values stay JSON text.
std::string cell(const std::string& v) {
  const bool integer =
      !v.empty() && v.size() <= 19 &&
      v.find_first_not_of("0123456789", v[0] == '-' ? 1 : 0) == std::string::npos && v != "-";
  if (!integer) return text::truncate(v, 60);
  if (v[0] == '-') return "-" + text::grouped(std::stoull(v.substr(1)));
  return text::grouped(std::stoull(v));
}

// How a figure is printed: the same formatter `analyze` uses for it (views/report/text_format).
enum class Style { Params, Bytes, Flops };

// The analytic figures compared, each with its JSON name. `windowed` rows are qualified (and the
// steady row shown) only when a side has sliding-window or chunked layers, as analyze does.
enum class Shown { Always, Windowed };
struct Figure {
  const char* key;
  const char* label;
  Style style;
  double (*get)(const Analysis&);
  Shown shown = Shown::Always;
  const char* windowed_label = nullptr;  // the label when either side has windowed layers
};

const Figure kFigures[] = {
    {"params.total", "parameters, total", Style::Params,
     [](const Analysis& a) { return double(a.params.total); }},
    {"params.active", "parameters, active per token", Style::Params,
     [](const Analysis& a) { return double(a.params.active); }},
    {"params.embedding", "parameters, embedding", Style::Params,
     [](const Analysis& a) { return double(a.params.embedding); }},
    {"weights_bytes", "weights", Style::Bytes,
     [](const Analysis& a) { return double(a.weights_bytes); }},
    {"kv_cache.bytes_per_token", "KV cache per token", Style::Bytes,
     [](const Analysis& a) { return double(a.kv.bytes_per_token); }, Shown::Always,
     "KV cache per token, first tokens"},
    {"kv_cache.bytes_per_token_steady", "KV cache per token, windows full", Style::Bytes,
     [](const Analysis& a) { return double(a.kv.bytes_per_token_steady); }, Shown::Windowed},
    {"kv_cache.bytes_at_context", "KV cache at context", Style::Bytes,
     [](const Analysis& a) { return double(a.kv.bytes_at_context); }},
    {"flops.prefill_per_token", "FLOPs per token, prefill", Style::Flops,
     [](const Analysis& a) { return a.flops.prefill_per_token; }},
    {"flops.decode_per_token", "FLOPs per token, decode", Style::Flops,
     [](const Analysis& a) { return a.flops.decode_per_token; }},
};

// A side's value: sizes with their exact bytes as analyze gives them; a delta in human units only.
std::string show(double v, Style style, bool exact = false) {
  switch (style) {
    case Style::Params:
      return text::params_short(static_cast<uint64_t>(v));
    case Style::Bytes:
      return exact ? text::bytes_exact(static_cast<uint64_t>(v)) : text::binary_bytes(v);
    case Style::Flops:
      return text::si(v, "FLOP");
  }
  return text::si(v, "");
}

std::string ratio(double a, double b) {
  if (a == 0) return b == 0 ? "1.00x" : "-";
  return text::fixed(b / a, 2) + "x";
}

}  // namespace

std::vector<ConfigFieldRow> diff_config_fields(const ModelConfig& a, const ModelConfig& b) {
  const nlohmann::json ja = config_to_json(a), jb = config_to_json(b);
  std::vector<ConfigFieldRow> rows;
  diff_tree(&ja, &jb, "", rows);
  return rows;
}

std::string render_config_diff_text(const ConfigDiffInput& in) {
  const std::string bold = in.color ? "\x1b[1;33m" : "";
  const std::string reset = in.color ? "\x1b[0m" : "";
  std::ostringstream out;
  const auto rows = diff_config_fields(*in.a->config, *in.b->config);
  size_t differing = 0;
  for (const auto& r : rows) differing += r.differs;

  out << "A: " << in.label_a << "\nB: " << in.label_b << "\n\n";
  out << "Configuration (" << differing << " of " << rows.size() << " fields differ"
      << (in.all_fields ? "; * marks them" : "; --all shows every field") << ")\n";
  text::Table fields({"field", "A", "B"});
  for (const auto& r : rows) {
    if (!in.all_fields && !r.differs) continue;
    const std::string mark = r.differs ? "* " : "  ";
    if (r.differs) {
      fields.add(
          {bold + mark + r.path + reset, bold + cell(r.a) + reset, bold + cell(r.b) + reset});
    } else {
      fields.add({mark + r.path, cell(r.a), cell(r.b)});
    }
  }
  if (differing == 0 && !in.all_fields) {
    out << "  (identical)\n";
  } else {
    fields.render(out, "  ");
  }

  const Analysis& a = *in.a;
  out << "\nAnalytic figures (context " << text::grouped(static_cast<uint64_t>(a.options.context))
      << " tokens, batch " << a.options.batch << ", weights " << to_string(a.options.weights)
      << ", KV " << to_string(a.options.kv) << ")\n";
  text::Table figures({"figure", "A", "B", "delta", "B/A"});
  const bool windowed = in.a->kv.steady_after_tokens > 0 || in.b->kv.steady_after_tokens > 0;
  for (const Figure& f : kFigures) {
    if (f.shown == Shown::Windowed && !windowed) continue;
    const double va = f.get(*in.a), vb = f.get(*in.b);
    const std::string delta = (vb >= va ? "+" : "-") + show(vb >= va ? vb - va : va - vb, f.style);
    figures.add({windowed && f.windowed_label ? f.windowed_label : f.label, show(va, f.style, true),
                 show(vb, f.style, true), va == vb ? "0" : delta, ratio(va, vb)});
  }
  figures.render(out, "  ");
  return out.str();
}

nlohmann::json config_diff_json(const ConfigDiffInput& in) {
  nlohmann::json j;
  j["a"] = in.label_a;
  j["b"] = in.label_b;
  j["fields"] = nlohmann::json::array();
  for (const auto& r : diff_config_fields(*in.a->config, *in.b->config)) {
    if (!in.all_fields && !r.differs) continue;
    j["fields"].push_back({{"path", r.path}, {"a", r.a}, {"b", r.b}, {"differs", r.differs}});
  }
  nlohmann::json figures = nlohmann::json::object();
  for (const Figure& f : kFigures) {
    const double va = f.get(*in.a), vb = f.get(*in.b);
    figures[f.key] = {{"a", va}, {"b", vb}, {"delta", vb - va}};
  }
  j["figures"] = figures;
  return j;
}

}  // namespace archscope
